import { LifeboatError } from "../../model/errors.js";
import type { ProviderConfig } from "../../model/config.js";
import type { AwsConnectionOptions } from "./aws-connection.js";

/** Settings that are not in the config file (tests and benchmarks tune them). */
export interface AwsTuning {
  readonly maxAttempts?: number;
  readonly maxConcurrency?: number;
  readonly pageSize?: number;
}

/**
 * Connection options for `providers.<name>` of the config. Credentials named by environment
 * variable are read here, when a command needs them, never at load time; a variable that is
 * not set fails with LB_SECRET_MISSING naming the key path. Without `credentials` the SDK's
 * default chain applies (environment, shared profile, instance or task role).
 */
export function awsConnectionOptions(
  name: string,
  provider: ProviderConfig,
  env: Readonly<Record<string, string | undefined>>,
  tuning: AwsTuning = {},
): AwsConnectionOptions {
  const credentials = provider.credentials;
  const read = (key: "accessKeyIdEnv" | "secretAccessKeyEnv" | "sessionTokenEnv") => {
    const variable = credentials?.[key];
    if (variable === undefined) return undefined;
    const value = env[variable];
    if (!value) {
      const path = `providers.${name}.credentials.${key}`;
      throw new LifeboatError(
        "LB_SECRET_MISSING",
        `${path}: environment variable ${variable} is not set`,
        {
          details: { path, variable },
        },
      );
    }
    return value;
  };
  const accessKeyId = read("accessKeyIdEnv");
  const secretAccessKey = read("secretAccessKeyEnv");
  const sessionToken = read("sessionTokenEnv");
  return {
    region: provider.region,
    ...(provider.endpoint === undefined ? {} : { endpoint: provider.endpoint }),
    ...(credentials?.profile === undefined ? {} : { profile: credentials.profile }),
    ...(accessKeyId === undefined || secretAccessKey === undefined
      ? {}
      : {
          credentials: {
            accessKeyId,
            secretAccessKey,
            ...(sessionToken === undefined ? {} : { sessionToken }),
          },
        }),
    ...tuning,
  };
}
