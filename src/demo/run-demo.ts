import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { captureNow, openRepository, withEnvironment, withRecovery } from "../composition.js";
import { loadConfig } from "../config/load-config.js";
import { followRunEvents } from "../execute/event-stream.js";
import { recoverEnvironment, type RecoveryReport } from "../recover/index.js";
import { readRecord } from "../providers/aws/shop/read-record.js";
import type { Store } from "../store/store.js";
import { buildDemoShop, openDemoCloud, type DemoCloud } from "./demo-cloud.js";
import { demoRegions, prepareDemoDir, writeDemoConfig, type DemoWorkspace } from "./demo-config.js";
import type { DemoListener } from "./demo-events.js";
import { countByKind, drillOk, failoverOk, type DemoReport } from "./demo-report.js";
import { protectSampleVolume } from "./sample-volume.js";
import { StageRunner } from "./stage-runner.js";

/**
 * scrypt cost of the demo repository's key slot. The cost protects guessable passphrases; the
 * demo's is 192 random bits, and the default (~0.7 s per open) would be paid four times.
 */
const demoKdf = { N: 2 ** 14, r: 8, p: 1 };

export interface DemoOptions {
  /** `--dir`: a new or empty folder, kept afterwards; default a temporary folder. */
  readonly dir?: string;
  /** `--keep`: keep the temporary folder after the demo. */
  readonly keep?: boolean;
  /** `--endpoint`: an AWS-compatible endpoint already running; default start moto. */
  readonly endpoint?: string;
  /** Aborting (Ctrl-C) stops moto at once; the stage in flight then fails as cancelled. */
  readonly signal?: AbortSignal;
  readonly onEvent?: DemoListener;
}

/** A demo that reached its report; its cloud and folder live until `close()`. */
export interface DemoSession {
  readonly report: DemoReport;
  readonly workspace: DemoWorkspace;
  /** Seconds since the demo started (for the stages the caller runs after the report). */
  readonly stages: StageRunner;
  /** Stops moto (if the demo started it) and removes the folder unless kept. Idempotent. */
  close(): Promise<void>;
}

/**
 * `lifeboat demo` up to its report: start moto (or use `endpoint`), build the web shop in
 * us-east-1, write a demo config, capture, protect a sample volume, drill a recovery into
 * us-west-2, then fail over there for real, moving the shop's DNS record. On failure or abort everything it started is stopped before it throws.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoSession> {
  const stages = new StageRunner(options.onEvent ?? (() => undefined), options.signal);
  const dir =
    options.dir === undefined
      ? await mkdtemp(join(tmpdir(), "lifeboat-demo-"))
      : resolve(options.dir);
  const kept = options.keep === true || options.dir !== undefined;
  let cloud: DemoCloud | undefined;
  const onAbort = () => void cloud?.stop();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    options.signal?.removeEventListener("abort", onAbort);
    await cloud?.stop();
    if (!kept) await rm(dir, { recursive: true, force: true });
  };
  try {
    if (options.dir !== undefined) await prepareDemoDir(dir);
    cloud = await stages.run(
      "moto",
      options.endpoint
        ? `using ${options.endpoint}`
        : "starting moto_server (AWS emulator) on a free port",
      () => openDemoCloud(options.endpoint),
      (c) => (c.moto ? `moto_server ${c.endpoint} (pid ${c.moto.pid})` : `endpoint ${c.endpoint}`),
    );
    const endpoint = cloud.endpoint;
    // A shared endpoint may hold an earlier demo's shop: a fresh name keeps them apart.
    const name = options.endpoint ? `shop-${randomBytes(2).toString("hex")}` : "shop";
    const shop = await stages.run(
      "build",
      `building the web shop "${name}" in ${demoRegions.source} through the AWS SDK`,
      () => buildDemoShop(endpoint, demoRegions.source, name),
      (s) => `${s.resourceCount} resources: ${kindsText(countByKind(s.resources))}`,
    );
    const workspace = await stages.run(
      "config",
      `writing ${join(dir, "lifeboat.yaml")} and creating the encrypted repository`,
      async () => {
        const ws = await writeDemoConfig(dir, { endpoint, environment: name });
        const loaded = await loadConfig({ config: ws.configPath, env: ws.env });
        const repo = await openRepository(loaded, { create: true, kdf: demoKdf });
        await repo.close();
        return ws;
      },
      (ws) => `${ws.configPath} (SQLite state, file repository, password in ${ws.passwordFile})`,
    );
    const composition = { config: workspace.configPath, env: workspace.env };
    const capture = await stages.run(
      "capture",
      `capturing ${name} from ${demoRegions.source}`,
      () => withEnvironment(name, composition, (services) => captureNow(services, options.signal)),
      (c) =>
        `version ${c.version.version}: ${Object.values(c.counts).reduce((a, b) => a + b, 0)} resources, ` +
        `${c.apiCalls.calls} API calls, ${c.wallMs} ms`,
    );
    const protection = await stages.run(
      "protect",
      "protecting a sample database volume (32 MiB) into the repository",
      async () => {
        const loaded = await loadConfig({ config: workspace.configPath, env: workspace.env });
        const repo = await openRepository(loaded);
        try {
          return await protectSampleVolume(repo, dir, name);
        } finally {
          await repo.close();
        }
      },
      (p) =>
        `${p.points.length} recovery points of ${p.volume}; the incremental read ` +
        `${kib(p.points[1]?.bytesRead ?? 0)} of ${kib(p.size)}; ` +
        `restore ${p.restoreVerified ? "byte-identical" : "DIFFERENT"}`,
    );
    const recover = (mode: "drill" | "failover") =>
      withRecovery(name, composition, (deps) =>
        recoverEnvironment(
          deps,
          { mode },
          {
            onRun: (run, plan) =>
              followSteps(deps.store, run.id, plan.steps.length, mode, stages, options),
          },
        ),
      );
    const drill = await stages.run(
      "drill",
      `drilling a recovery of ${name} into ${demoRegions.target}`,
      () => recover("drill"),
      (r) => runSummary(r),
    );
    const recordName = shop.dns.shopRecordName;
    const failover = await stages.run(
      "failover",
      `failing ${name} over into ${demoRegions.target}: rebuild, verify, move ${recordName}`,
      async () => {
        const before = await readRecord(endpoint, shop.dns.hostedZoneId, recordName);
        const run = await recover("failover");
        const after = await readRecord(endpoint, shop.dns.hostedZoneId, recordName);
        const moved = before !== null && after !== null && before.target !== after.target;
        return { report: run, record: { name: recordName, before, after, moved } };
      },
      (f) =>
        `${runSummary(f.report)}; ${recordName} ${f.record.before?.target ?? "-"} → ` +
        `${f.record.after?.target ?? "-"}`,
    );
    const report: DemoReport = {
      ok:
        drillOk(drill) &&
        failoverOk(failover.report) &&
        failover.record.moved &&
        protection.restoreVerified,
      dir,
      kept,
      config: workspace.configPath,
      endpoint,
      motoPid: cloud.moto?.pid ?? null,
      environment: {
        name,
        region: demoRegions.source,
        targetRegion: demoRegions.target,
        resources: shop.resourceCount,
        byKind: countByKind(shop.resources),
      },
      capture: {
        version: capture.version.version,
        digest: capture.digest,
        resources: Object.values(capture.counts).reduce((a, b) => a + b, 0),
        apiCalls: capture.apiCalls.calls,
        wallMs: capture.wallMs,
      },
      protection,
      drill,
      failover,
      stages: [...stages.records],
      wallMs: stages.elapsedMs(),
    };
    return { report, workspace, stages, close };
  } catch (error) {
    await close();
    throw error;
  }
}

const kib = (bytes: number) => `${Math.round(bytes / 1024)} KiB`;

function kindsText(counts: Readonly<Record<string, number>>): string {
  return Object.entries(counts)
    .map(([kind, n]) => `${n} ${kind}`)
    .join(", ");
}

function runSummary(r: RecoveryReport): string {
  const rto = r.wallMs === null ? "-" : `${(r.wallMs / 1000).toFixed(1)} s`;
  const verified = r.verification
    ? `${r.verification.result} (${r.verification.checked} compared)`
    : "not verified";
  const teardown = r.mode === "drill" ? `, teardown ${r.teardown?.phase ?? "none"}` : "";
  return `run ${r.runId} ${r.phase}: RTO ${rto}, ${r.created} created, ${verified}${teardown}`;
}

/** Step progress of a run as `progress` events (best effort: the report is what counts). */
function followSteps(
  store: Store,
  runId: string,
  total: number,
  stage: "drill" | "failover",
  stages: StageRunner,
  options: DemoOptions,
): void {
  const listener = options.onEvent;
  if (!listener) return;
  void (async () => {
    let done = 0;
    try {
      for await (const e of followRunEvents(store, runId, {
        pollMs: 250,
        ...(options.signal ? { signal: options.signal } : {}),
      })) {
        if (e.type !== "step.succeeded" && e.type !== "step.failed") continue;
        done++;
        listener({
          type: "progress",
          stage,
          elapsedMs: stages.elapsedMs(),
          done,
          total,
          summary: `${done}/${total} steps (${e.stepId ?? "?"})`,
        });
      }
    } catch {
      // The store closes when the drill ends; a poll cut short then is expected.
    }
  })();
}
