/**
 * What every entry of the composition root takes (src/composition.ts): the config file, the
 * environment secrets are read from, the clock, and the factory of source-provider adapters —
 * the parts tests and `serve` replace.
 */
import type { DeepReadonly } from "./config/deep-freeze.js";
import type { Clock } from "./model/clock.js";
import type { ProviderConfig } from "./model/config.js";
import { awsConnectionOptions } from "./providers/aws/aws-connection-options.js";
import { AwsProvider } from "./providers/aws/aws-provider.js";
import type { Provider } from "./providers/provider.js";

export type Env = Readonly<Record<string, string | undefined>>;

/** A provider adapter the composition root can release. */
export interface ClosableProvider extends Provider {
  close(): void;
}

/** Builds the adapter for one `providers.<name>` entry of the config. */
export type ProviderFactory = (
  name: string,
  config: DeepReadonly<ProviderConfig>,
  env: Env,
) => ClosableProvider;

/** The default factory: every provider in the config is `type: aws` for now. */
export const defaultProviderFactory: ProviderFactory = (name, config, env) =>
  new AwsProvider(awsConnectionOptions(name, config as ProviderConfig, env));

export interface CompositionOptions {
  /** `--config <file>`; else LIFEBOAT_CONFIG, else ./lifeboat.yaml. */
  readonly config?: string | undefined;
  /** Where secrets and credentials named by the config are read; default `process.env`. */
  readonly env?: Env;
  readonly clock?: Clock;
  readonly providerFactory?: ProviderFactory;
}
