/**
 * The agent's `cbt` volumes wired to AWS (docs/protect.md, "CBT"): the EBS direct APIs of the
 * binding's connection for blocks, EC2 snapshots of the volume for each point. One connection
 * per provider name, opened on first use and closed with the agent.
 */
import { providerNamed } from "./config/config-lookups.js";
import type { LoadedConfig } from "./config/load-config.js";
import type { ProviderConfig } from "./model/config.js";
import type { CbtBinder } from "./protect/agent-volumes.js";
import { awsBlockSnapshots } from "./providers/aws/aws-block-snapshots.js";
import { AwsConnection } from "./providers/aws/aws-connection.js";
import { awsConnectionOptions } from "./providers/aws/aws-connection-options.js";
import { awsVolumeSnapshots } from "./providers/aws/aws-volume-snapshots.js";

export function agentCbtBinder(
  loaded: LoadedConfig,
  env: Readonly<Record<string, string | undefined>>,
): { readonly bind: CbtBinder; close(): void } {
  const open = new Map<string, AwsConnection>();
  const connectionNamed = (name: string) => {
    let found = open.get(name);
    if (!found) {
      const provider = providerNamed(loaded, name) as ProviderConfig;
      found = new AwsConnection(awsConnectionOptions(name, provider, env));
      open.set(name, found);
    }
    return found;
  };
  return {
    bind: (id, binding) => {
      // Validated: a cbt binding names its connection.
      const connection = connectionNamed(binding.connection ?? "");
      return {
        blocks: awsBlockSnapshots(connection),
        snapshot: awsVolumeSnapshots(connection, binding.volume ?? id, binding.snapshots),
      };
    },
    close: () => {
      for (const connection of open.values()) connection.destroy();
    },
  };
}
