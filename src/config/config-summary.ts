import { redactUrl } from "../model/config.js";
import type { LoadedConfig } from "./load-config.js";

export { redactUrl };

/**
 * What `config validate` shows: the shape of the config without secrets (docs/cli-json.md,
 * "ConfigSummary"). Password sources are named, never read into it.
 */
export interface ConfigSummary {
  readonly file: string;
  readonly state: string;
  readonly repository: {
    readonly url: string;
    readonly endpoint: string | null;
    readonly password: { readonly from: "env" | "file"; readonly name: string };
  };
  readonly providers: readonly {
    readonly name: string;
    readonly type: string;
    readonly region: string;
    readonly endpoint: string | null;
  }[];
  readonly environments: readonly {
    readonly name: string;
    readonly source: string;
    readonly target: string;
    readonly captureEvery: string;
    readonly protect: number;
    readonly health: number;
    readonly failover: string;
  }[];
}

export function summarizeConfig({ file, config }: LoadedConfig): ConfigSummary {
  const { repository } = config;
  return {
    file,
    state: redactUrl(config.state),
    repository: {
      url: redactUrl(repository.url),
      endpoint: repository.endpoint === undefined ? null : redactUrl(repository.endpoint),
      password:
        repository.passwordEnv !== undefined
          ? { from: "env", name: repository.passwordEnv }
          : { from: "file", name: repository.passwordFile ?? "" },
    },
    providers: Object.entries(config.providers).map(([name, p]) => ({
      name,
      type: p.type,
      region: p.region,
      endpoint: p.endpoint === undefined ? null : redactUrl(p.endpoint),
    })),
    environments: Object.entries(config.environments).map(([name, env]) => ({
      name,
      source: env.source,
      target: env.recovery.target,
      captureEvery: env.capture.every,
      protect: env.protect.length,
      health: env.health.length,
      failover:
        env.failover.action ?? (env.failover.rules ?? []).map((rule) => rule.action).join("/"),
    })),
  };
}
