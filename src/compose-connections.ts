/**
 * AWS adapters per connection of the config (a `providers.<name>` entry), each made on first use
 * and all released together: the agent's CBT volumes, a recovery's failover and sync-back steps,
 * a failback's capture of the copy and the watcher's provider probes share this one helper.
 */
import { providerNamed } from "./config/config-lookups.js";
import type { LoadedConfig } from "./config/load-config.js";
import type { ProviderConfig } from "./model/config.js";
import { AwsConnection } from "./providers/aws/aws-connection.js";
import { awsConnectionOptions } from "./providers/aws/aws-connection-options.js";
import { AwsProvider } from "./providers/aws/aws-provider.js";
import type { Env } from "./compose-options.js";

/** One adapter per connection name, made on first use; `close()` releases every one made. */
export interface PerConnection<T> {
  get(name: string): T;
  close(): void;
}

function perConnection<T>(
  make: (name: string) => T,
  release: (adapter: T) => void,
  made: ReadonlyMap<string, T> = new Map(),
): PerConnection<T> {
  const open = new Map(made);
  return {
    get: (name) => {
      let found = open.get(name);
      if (found === undefined) {
        found = make(name);
        open.set(name, found);
      }
      return found;
    },
    close: () => {
      for (const adapter of open.values()) release(adapter);
    },
  };
}

/** AWS SDK clients per connection; `made` are connections already open, closed with the rest. */
export function awsConnections(
  loaded: LoadedConfig,
  env: Env,
  made: ReadonlyMap<string, AwsConnection> = new Map(),
): PerConnection<AwsConnection> {
  return perConnection(
    (name) =>
      new AwsConnection(
        awsConnectionOptions(name, providerNamed(loaded, name) as ProviderConfig, env),
      ),
    (connection) => connection.destroy(),
    made,
  );
}

/** Provider adapters (discovery, status) per connection. */
export function awsProviders(loaded: LoadedConfig, env: Env): PerConnection<AwsProvider> {
  return perConnection(
    (name) =>
      new AwsProvider(
        awsConnectionOptions(name, providerNamed(loaded, name) as ProviderConfig, env),
      ),
    (provider) => provider.close(),
  );
}
