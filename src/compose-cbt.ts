/**
 * The agent's `cbt` volumes wired to AWS (docs/protect.md, "CBT"): the EBS direct APIs of the
 * binding's connection for blocks, EC2 snapshots of the volume for each point. One connection
 * per provider name, opened on first use and closed with the agent.
 */
import { awsConnections } from "./compose-connections.js";
import type { LoadedConfig } from "./config/load-config.js";
import type { CbtBinder } from "./protect/agent-volumes.js";
import { awsBlockSnapshots } from "./providers/aws/aws-block-snapshots.js";
import { awsVolumeSnapshots } from "./providers/aws/aws-volume-snapshots.js";

export function agentCbtBinder(
  loaded: LoadedConfig,
  env: Readonly<Record<string, string | undefined>>,
): { readonly bind: CbtBinder; close(): void } {
  const connections = awsConnections(loaded, env);
  return {
    bind: (id, binding) => {
      // Validated: a cbt binding names its connection.
      const connection = connections.get(binding.connection ?? "");
      return {
        blocks: awsBlockSnapshots(connection),
        snapshot: awsVolumeSnapshots(connection, binding.volume ?? id, binding.snapshots),
      };
    },
    close: () => connections.close(),
  };
}
