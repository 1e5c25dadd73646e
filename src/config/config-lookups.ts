import type { EnvironmentConfig, ProviderConfig } from "../model/config.js";
import { LifeboatError } from "../model/errors.js";
import type { DeepReadonly } from "./deep-freeze.js";
import { closestMatch } from "./did-you-mean.js";
import type { LoadedConfig } from "./load-config.js";

function known(names: readonly string[], name: string): string {
  const hint = closestMatch(name, names);
  const list = names.length > 0 ? `known: ${names.join(", ")}` : "none are defined";
  return `(${list})${hint ? `; did you mean "${hint}"?` : ""}`;
}

/** The environment a command names; `LB_ENV_NOT_FOUND` (exit 3) when the config has none such. */
export function environmentNamed(
  { config, file }: LoadedConfig,
  name: string,
): DeepReadonly<EnvironmentConfig> {
  const environment = Object.hasOwn(config.environments, name)
    ? config.environments[name]
    : undefined;
  if (environment) return environment;
  const names = Object.keys(config.environments);
  throw new LifeboatError(
    "LB_ENV_NOT_FOUND",
    `no environment "${name}" in ${file} ${known(names, name)}`,
    {
      details: { environment: name, known: names },
    },
  );
}

/**
 * The provider connection of that name. The config's references are checked at load time, so a
 * miss here means the caller passed a name from elsewhere (a flag such as `--target`).
 */
export function providerNamed(
  { config, file }: LoadedConfig,
  name: string,
): DeepReadonly<ProviderConfig> {
  const provider = Object.hasOwn(config.providers, name) ? config.providers[name] : undefined;
  if (provider) return provider;
  const names = Object.keys(config.providers);
  throw new LifeboatError(
    "LB_INVALID_INPUT",
    `no provider "${name}" in ${file} ${known(names, name)}`,
    {
      details: { provider: name, known: names },
    },
  );
}
