import { recoveryReport, type RecoveryReport } from "../../recover/index.js";
import { printResult, type GlobalOptions } from "../output.js";
import { runAction, type RegisterCommand } from "../run-action.js";
import { Executor } from "../../execute/executor.js";
import { withStateStore } from "../../composition.js";

/** `--json` output of `run`, `recover`, `resume` and `teardown` (docs/cli-json.md). */
export interface RunJson {
  /** False when the run did not succeed or verification found differences. */
  readonly ok: boolean;
  readonly report: RecoveryReport;
}

const phases = new Set(["pending", "running", "succeeded", "failed", "skipped", "cancelled"]);

const seconds = (ms: number | null) => (ms === null ? "-" : `${(ms / 1000).toFixed(1)} s`);

/** Whether a recovery ended well: succeeded and (when verified) equivalent. */
export function recoveryOk(r: RecoveryReport): boolean {
  if (r.mode === "teardown") return r.phase === "succeeded";
  return (
    r.phase === "succeeded" &&
    r.verification?.result !== "different" &&
    (r.hydration ?? []).every((h) => h.mode === "prestaged" || h.identical === true)
  );
}

/** The 3 a.m. rendering: the verdict first, then the numbers, then what went wrong. */
export function renderRecoveryReport(r: RecoveryReport): string {
  const verdict = recoveryOk(r) ? "OK" : "NOT OK";
  const lines = [
    `${verdict}: run ${r.runId} (${r.mode} of ${r.environment}) is ${r.phase}`,
    `  RTO (wall time)   ${seconds(r.wallMs)}`,
    `  RPO (point age)   ${
      r.recoveryPoint
        ? `${seconds(r.recoveryPoint.ageMs)} — version ${r.recoveryPoint.version} captured ${r.recoveryPoint.capturedAt}, last seen ${seconds(r.recoveryPoint.lastSeenAgeMs)} before the run`
        : "-"
    }`,
    `  resources         ${r.created} created, ${r.adopted} adopted`,
    `  steps             ${r.steps.length}: ${Object.entries(r.counts)
      .filter(([k]) => phases.has(k))
      .map(([k, n]) => `${n} ${k}`)
      .join(", ")}`,
    `  longest chain     ${r.longestChain} steps; peak ${r.peakInFlight} in flight`,
    `  verification      ${
      r.verification
        ? `${r.verification.result} (${r.verification.checked} resources compared, ${r.verification.differences.length} differences)`
        : "not run"
    }`,
  ];
  if (r.rto) {
    lines.push(
      `  RTO and hydration ${seconds(r.rto.wallMs)} with ${seconds(r.rto.hydrationMs)} of hydration on the longest hydrate step; ` +
        `${r.rto.hydratedVolumes} volume(s) hydrated, ${r.rto.prestagedVolumes} pre-staged`,
    );
  }
  for (const h of r.hydration ?? []) {
    if (h.mode === "prestaged") {
      lines.push(
        `  pre-staged        ${h.stepId}: volume made from ${h.snapshotId ?? "?"} in ${h.volumeSeconds ?? "?"} s, nothing written`,
      );
      continue;
    }
    lines.push(
      `  hydrated          ${h.stepId}: ${h.blocksWritten ?? "?"} blocks of ${h.blockSize ?? "?"} B into ${h.snapshotId ?? "?"}` +
        ` (${h.zeroBlocksSkipped ?? "?"} zero blocks skipped) in ${h.writeSeconds ?? "?"} s; read back ` +
        `${h.identical === true ? "identical" : "DIFFERENT"} (sha256 ${h.targetSha256?.slice(0, 16) ?? "?"}…)`,
    );
  }
  if (r.teardown) {
    lines.push(
      `  teardown          run ${r.teardown.runId} ${r.teardown.phase}, ${r.teardown.deleted} deleted in ${seconds(r.teardown.wallMs)}`,
    );
  }
  for (const d of r.verification?.differences.slice(0, 20) ?? []) {
    lines.push(
      `  differs ${d.resource} ${d.path}: expected ${JSON.stringify(d.expected)}, found ${JSON.stringify(d.actual)}`,
    );
  }
  for (const e of r.errors) lines.push(`  FAILED ${e.stepId}: ${e.error.code} ${e.error.message}`);
  lines.push("", "Steps (start → end, duration, resolution):");
  // In the order they ran; steps that never started last.
  const ordered = [...r.steps].sort(
    (a, b) =>
      (a.startedAt ?? "~").localeCompare(b.startedAt ?? "~") || a.stepId.localeCompare(b.stepId),
  );
  for (const s of ordered) {
    lines.push(
      `  ${s.phase.padEnd(9)} ${s.stepId}  ${s.startedAt ?? "-"} → ${s.finishedAt ?? "-"}  ${seconds(s.durationMs)}${s.resolution ? `  ${s.resolution}` : ""}`,
    );
  }
  if (!recoveryOk(r) && r.mode !== "teardown") {
    lines.push(
      "",
      `Next: \`lifeboat resume ${r.runId}\` to carry on, or \`lifeboat teardown ${r.runId}\` to remove what it made.`,
    );
  }
  return lines.join("\n");
}

/** `lifeboat run <id>`: a run's steps, timing, errors and report, from the store. */
export const registerRun: RegisterCommand = (program, io) => {
  program
    .command("run")
    .description("Show one run: steps with state and timing, errors, RTO/RPO, verification.")
    .argument("<id>", "run id (from `lifeboat runs`)")
    .option("--config <file>", "config file (default: $LIFEBOAT_CONFIG or ./lifeboat.yaml)")
    .option("--json", "print a JSON document (docs/cli-json.md)")
    .action(async (id: string, options: GlobalOptions) => {
      await runAction(io, options.json, () =>
        withStateStore({ config: options.config }, async (store) => {
          // Reading needs no target: an executor without handlers only reports.
          const report = await recoveryReport(
            { store, executor: new Executor({ store, handlers: {} }) },
            id,
          );
          const result: RunJson = { ok: recoveryOk(report), report };
          printResult(io, options.json, result, (x) => renderRecoveryReport(x.report));
        }),
      );
    });
};
