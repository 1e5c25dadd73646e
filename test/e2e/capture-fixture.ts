/**
 * Shared set-up of the capture end-to-end tests: a temp folder with a `lifeboat.yaml` pointing
 * at a moto server (local `file:` repository, SQLite state, password from LIFEBOAT_PASSWORD),
 * an initialised repository, and a CLI runner with moto's dummy credentials.
 */
import { shopEnvironment } from "../../src/providers/aws/shop/shop-environment.js";
import type { ShopEnvironment } from "../../src/providers/aws/shop/shop-types.js";
import { awsClients, type AwsClients } from "../harness/aws-clients.js";
import { startMoto, type MotoServer } from "../harness/moto.js";
import { ConfigBuilder } from "./config-builder.js";
import { jsonOf, makeTempDir, runLifeboat, type CliRun } from "./cli.js";

export const password = "capture e2e passphrase";

export interface CaptureWorkspace {
  readonly dir: string;
  readonly config: string;
  /** Runs `lifeboat <args>` (with `--config <config>` unless args name one) and credentials. */
  cli(args: readonly string[], env?: Record<string, string>): Promise<CliRun>;
  remove(): void;
}

/** Writes the config (`edit` may change it) and runs `repo init` with a cheap KDF. */
export async function captureWorkspace(
  endpoint: string,
  edit: (config: ConfigBuilder) => ConfigBuilder = (c) => c,
): Promise<CaptureWorkspace> {
  const tmp = makeTempDir("lifeboat-e2e-capture-");
  const config = edit(ConfigBuilder.shop({ endpoint })).writeTo(tmp.path);
  const cli = (args: readonly string[], env: Record<string, string> = {}) =>
    runLifeboat(args.includes("--config") ? args : [...args, "--config", config], {
      cwd: tmp.path,
      env: {
        LIFEBOAT_PASSWORD: password,
        AWS_ACCESS_KEY_ID: "testing",
        AWS_SECRET_ACCESS_KEY: "testing",
        AWS_EC2_METADATA_DISABLED: "true",
        ...env,
      },
      timeoutMs: 180_000,
    });
  expectJson(await cli(["repo", "init", "--kdf-n", "1024", "--json"]));
  return { dir: tmp.path, config, cli, remove: tmp.remove };
}

/** Moto, the shop built in it and a workspace pointing at it; `close()` releases all three. */
export interface CaptureShopWorld {
  readonly moto: MotoServer;
  readonly clients: AwsClients;
  readonly shop: ShopEnvironment;
  readonly ws: CaptureWorkspace;
  close(): Promise<void>;
}

/** Starts moto, then builds the shop and writes the workspace (`edit`: its config) together. */
export async function captureShopWorld(
  edit?: (config: ConfigBuilder) => ConfigBuilder,
): Promise<CaptureShopWorld> {
  const moto = await startMoto();
  const clients = awsClients(moto);
  try {
    const [shop, ws] = await Promise.all([
      shopEnvironment(clients).named("shop").build(),
      captureWorkspace(moto.endpoint, edit),
    ]);
    const close = async () => {
      clients.destroy();
      await moto.stop();
      ws.remove();
    };
    return { moto, clients, shop, ws, close };
  } catch (error) {
    clients.destroy();
    await moto.stop();
    throw error;
  }
}

/** Parses `--json` output, failing with the run's output when the exit code is not `code`. */
export function expectJson<T = Record<string, unknown>>(run: CliRun, code = 0): T {
  if (run.code !== code) {
    throw new Error(
      `exit ${run.code}, expected ${code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`,
    );
  }
  return jsonOf<T>(run);
}

/** The `error` object of a failed `--json` run with the expected exit code. */
export function expectError(run: CliRun, code: number): { code: string; details: object } {
  return expectJson<{ error: { code: string; details: object } }>(run, code).error;
}

export interface VersionJson {
  version: number;
  capturedAt: string;
  lastSeenAt: string;
  digest: string;
  snapshot: string;
  resources: number;
  counts: Record<string, number>;
}

export interface CaptureJson {
  created: boolean;
  version: VersionJson;
  apiCalls: { calls: number; attempts: number; byOperation: Record<string, number> };
  wallMs: number;
  discoveryMs: number;
  explanation: { included: unknown[]; leftOut: unknown[] } | null;
}

/** What is stored: the version history and the inventory snapshots of the repository. */
export async function storedState(ws: CaptureWorkspace, env = "shop") {
  const history = expectJson<{ versions: VersionJson[] }>(await ws.cli(["history", env, "--json"]));
  const snapshots = expectJson<{ snapshots: { id: string }[] }>(
    await ws.cli(["repo", "snapshots", "--kind", "inventory", "--json"]),
  );
  return { versions: history.versions, snapshots: snapshots.snapshots.map((s) => s.id) };
}
