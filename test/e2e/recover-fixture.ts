/**
 * Shared set-up of the recover-*.test.ts end-to-end tests: moto, the shop built in us-east-1,
 * a workspace whose config recovers `shop` into us-west-2 (suffix `-dr`), a first capture, and
 * counts of what us-west-2 holds outside its default network.
 */
import { strict as assert } from "node:assert";
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { openStore } from "../../src/store/open-store.js";
import { listSteps } from "../../src/store/steps-repo.js";
import type { Store } from "../../src/store/store.js";
import { shopEnvironment } from "../../src/providers/aws/shop/shop-environment.js";
import type { ShopEnvironment } from "../../src/providers/aws/shop/shop-types.js";
import { awsClients, type AwsClients } from "../harness/aws-clients.js";
import { startMoto, type MotoServer } from "../harness/moto.js";
import { countRegion, type Counts } from "../integration/recover-fixture.js";
import {
  captureWorkspace,
  expectJson,
  password,
  type CaptureWorkspace,
} from "./capture-fixture.js";
import type { ConfigBuilder } from "./config-builder.js";
import { cliPath, type CliRun } from "./cli.js";

export const source = "us-east-1";
export const target = "us-west-2";

export interface RecoverWorld {
  readonly moto: MotoServer;
  readonly clients: AwsClients;
  readonly shop: ShopEnvironment;
  readonly ws: CaptureWorkspace;
  /** Counts of us-west-2 before anything was recovered. */
  readonly baseline: Counts;
  /** Counts of us-east-1 (what a full recovery makes). */
  readonly sourceCounts: Counts;
  targetCounts(): Promise<Counts>;
  close(): Promise<void>;
}

/** Moto, the shop (`build` may change it), a workspace, and one capture of `shop`. */
export async function recoverWorld(
  options: {
    readonly build?: (b: ReturnType<typeof shopEnvironment>) => ReturnType<typeof shopEnvironment>;
    readonly config?: (c: ConfigBuilder) => ConfigBuilder;
    /** Runs after the shop is built, before the workspace's config is written and captured. */
    readonly beforeCapture?: (clients: AwsClients, shop: ShopEnvironment) => Promise<void>;
  } = {},
): Promise<RecoverWorld> {
  const moto = await startMoto();
  const clients = awsClients(moto);
  const builder = shopEnvironment(clients).inRegion(source).named("shop");
  const shop = await (options.build ? options.build(builder) : builder).build();
  await options.beforeCapture?.(clients, shop);
  const ws = await captureWorkspace(moto.endpoint, (c) =>
    (options.config ?? ((x) => x))(c.set("environments.shop.recovery.mapping.nameSuffix", "-dr")),
  );
  expectJson(await ws.cli(["capture", "shop", "--json"]));
  const targetCounts = () => countRegion(clients.region(target));
  return {
    moto,
    clients,
    shop,
    ws,
    baseline: await targetCounts(),
    sourceCounts: await countRegion(clients.region(source)),
    targetCounts,
    async close() {
      ws.remove();
      clients.destroy();
      await moto.stop();
    },
  };
}

/** The `report` of a `recover`/`run`/`resume`/`teardown --json` document. */
export interface ReportJson {
  readonly ok: boolean;
  readonly report: {
    readonly runId: string;
    readonly mode: string;
    readonly phase: string;
    readonly wallMs: number | null;
    readonly recoveryPoint: {
      version: number;
      capturedAt: string;
      ageMs: number | null;
      lastSeenAgeMs: number | null;
    } | null;
    readonly created: number;
    readonly adopted: number;
    readonly longestChain: number;
    readonly peakInFlight: number;
    readonly counts: Record<string, number>;
    readonly steps: readonly { stepId: string; phase: string; resolution: string | null }[];
    readonly errors: readonly unknown[];
    readonly verification: {
      result: string;
      checked: number;
      differences: readonly { resource: string; path: string }[];
    } | null;
    readonly teardown: { runId: string; phase: string; deleted: number } | null;
  };
}

/** The run id `recover` prints first on stderr. */
export function runIdOf(run: CliRun): string {
  const match = /^run (\S+)/m.exec(run.stderr);
  assert.ok(match?.[1], `no run id on stderr:\n${run.stderr}`);
  return match[1];
}

/** What a region gained since `before`, by kind. */
export function delta(after: Counts, before: Counts): Counts {
  const made: Counts = {};
  for (const [kind, n] of Object.entries(after)) made[kind] = n - (before[kind] ?? 0);
  return made;
}

/** A `lifeboat` process left running (to be killed, stopped or cancelled by the test). */
export interface LiveCli {
  readonly proc: ChildProcess;
  /** Resolves with the run id once the process printed it. */
  readonly runId: Promise<string>;
  /** Resolves with the exit code (128 + n for signals) and output. */
  readonly done: Promise<CliRun>;
}

/** Starts `lifeboat <args> --config …` without waiting for it. */
export function spawnLifeboat(ws: CaptureWorkspace, args: readonly string[]): LiveCli {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith("LIFEBOAT_")) env[k] = v;
  }
  const proc = spawn(process.execPath, [cliPath, ...args, "--config", ws.config], {
    cwd: ws.dir,
    env: {
      ...env,
      NO_COLOR: "1",
      LIFEBOAT_PASSWORD: password,
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
      AWS_EC2_METADATA_DISABLED: "true",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let found: (id: string) => void = () => undefined;
  const runId = new Promise<string>((resolve) => (found = resolve));
  proc.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
  proc.stderr.setEncoding("utf8").on("data", (c: string) => {
    stderr += c;
    const match = /^run (\S+)/m.exec(stderr);
    if (match?.[1]) found(match[1]);
  });
  const done = new Promise<CliRun>((resolve) =>
    proc.on("close", (code, signal) =>
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }),
    ),
  );
  return {
    proc,
    runId: Promise.race([
      runId,
      done.then((r) => Promise.reject(new Error(`no run id: ${r.stdout}\n${r.stderr}`))),
    ]),
    done,
  };
}

/** The workspace's state store, opened from the test (another process than the CLI). */
export async function workspaceStore(ws: CaptureWorkspace): Promise<Store> {
  return await openStore(`sqlite:${join(ws.dir, ".lifeboat", "state.db")}`);
}

/**
 * Polls the store until run `runId` has at least `n` succeeded steps. Fails if the process
 * ended first (the point was not reached), so a fault test never passes without its fault.
 */
export async function untilSucceeded(
  store: Store,
  live: LiveCli,
  runId: string,
  n: number,
): Promise<number> {
  for (;;) {
    const steps = await listSteps(store, runId);
    const done = steps.filter((s) => s.phase === "succeeded").length;
    if (done >= n) return done;
    if (live.proc.exitCode !== null || live.proc.signalCode !== null) {
      throw new Error(`recover ended before ${n} steps succeeded (${done})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10)); // polling another process
  }
}

/**
 * Runs `lifeboat <args>` on a pseudo-terminal (util-linux `script`), answering `answer` to the
 * confirmation prompt; resolves with the exit code and what the terminal showed.
 */
export async function onTerminal(
  ws: CaptureWorkspace,
  args: readonly string[],
  answer: string,
): Promise<{ code: number; screen: string }> {
  const quoted = [process.execPath, cliPath, ...args, "--config", ws.config]
    .map((a) => `'${a.replaceAll("'", "'\\''")}'`)
    .join(" ");
  const child = spawn("script", ["-qec", quoted, "/dev/null"], {
    cwd: ws.dir,
    env: {
      ...process.env,
      NO_COLOR: "1",
      LIFEBOAT_PASSWORD: password,
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
      AWS_EC2_METADATA_DISABLED: "true",
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let screen = "";
  let answered = false;
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    screen += chunk;
    if (!answered && screen.includes('Type "yes"')) {
      answered = true;
      child.stdin.write(`${answer}\n`);
    }
  });
  const code = await new Promise<number>((resolve) =>
    child.on("close", (exit) => resolve(exit ?? 1)),
  );
  return { code, screen };
}
