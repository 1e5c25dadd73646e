import { randomBytes } from "node:crypto";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { stringify } from "yaml";
import { LifeboatError } from "../model/errors.js";

/** Regions of the demo: the shop lives in the source; drills and failovers go to the target. */
export const demoRegions = { source: "us-east-1", target: "us-west-2" } as const;

/**
 * Variables the demo config names for AWS credentials. moto accepts any signed request, but
 * naming them keeps the user's own AWS credentials out of the demo.
 */
export const demoCredentialVariables = {
  LIFEBOAT_DEMO_ACCESS_KEY_ID: "testing",
  LIFEBOAT_DEMO_SECRET_ACCESS_KEY: "testing",
} as const;

export interface DemoWorkspace {
  readonly dir: string;
  readonly configPath: string;
  readonly passwordFile: string;
  /** The environment the commands read: the process's plus the demo credentials. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Makes `dir` (it must be new or empty) ready for a demo: nothing of the user's is overwritten. */
export async function prepareDemoDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const entries = await readdir(dir);
  if (entries.length > 0) {
    throw new LifeboatError("LB_DEMO_DIR_NOT_EMPTY", `${dir} is not empty`, {
      details: { dir, entries: entries.length },
    });
  }
}

/**
 * Writes the demo's `lifeboat.yaml` (SQLite state and a file repository inside `dir`, both
 * providers on `endpoint`) and a generated repository password (mode 0600) beside it.
 */
export async function writeDemoConfig(
  dir: string,
  options: { readonly endpoint: string; readonly environment: string },
): Promise<DemoWorkspace> {
  const passwordFile = join(dir, "password");
  await writeFile(passwordFile, `${randomBytes(24).toString("base64url")}\n`, { mode: 0o600 });
  const { source, target } = demoRegions;
  const credentials = {
    accessKeyIdEnv: "LIFEBOAT_DEMO_ACCESS_KEY_ID",
    secretAccessKeyEnv: "LIFEBOAT_DEMO_SECRET_ACCESS_KEY",
  };
  const provider = (region: string) => ({
    type: "aws",
    region,
    endpoint: options.endpoint,
    credentials,
  });
  const config = {
    state: "sqlite:.lifeboat/state.db",
    repository: { url: "file:.lifeboat/repo", passwordFile: "password" },
    providers: { east: provider(source), west: provider(target) },
    environments: {
      [options.environment]: {
        source: "east",
        select: { tags: { app: options.environment } },
        capture: { every: "5m" },
        recovery: {
          target: "west",
          mapping: { zones: { [`${source}a`]: `${target}a` }, nameSuffix: "-dr" },
        },
        failover: { action: "alert", after: 3 },
        // The shop's apex record: a failover moves it to the rebuilt load balancer.
        dns: {
          zone: `${options.environment}.example.com`,
          records: [`${options.environment}.example.com`],
        },
      },
    },
  };
  const configPath = join(dir, "lifeboat.yaml");
  const header =
    "# Written by `lifeboat demo`: the web shop in moto (us-east-1), recovered into us-west-2.\n";
  await writeFile(configPath, header + stringify(config));
  return { dir, configPath, passwordFile, env: { ...process.env, ...demoCredentialVariables } };
}
