import type { StageResult } from "./micro-stages.js";
import type { Measurement } from "./measure.js";

/** Everything measured for one peer tool. */
export interface ToolResult {
  readonly name: string;
  readonly version: string;
  readonly settings: string;
  readonly full: Measurement;
  readonly incremental: Measurement;
  readonly restore: Measurement;
  readonly restoreIdentical: boolean;
  readonly repoBytesAfterFull: number;
  readonly repoBytesAfterIncremental: number;
}

export interface BenchReport {
  readonly date: string;
  readonly host: { readonly cpus: string; readonly cores: number; readonly loadBefore: number[] };
  readonly node: string;
  readonly imageBytes: number;
  readonly generateSeconds: number;
  readonly tools: readonly ToolResult[];
  readonly missing: readonly string[];
  readonly stages: readonly StageResult[];
}

const MiB = 2 ** 20;
const mibs = (bytes: number, seconds: number) => (bytes / MiB / seconds).toFixed(0);
const mib = (bytes: number) => (bytes / MiB).toFixed(1);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ")} |`;
  const rule = `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

/** The report as Markdown tables (printed, and pasted into docs/benchmarks.md). */
export function formatReport(report: BenchReport): string {
  const size = report.imageBytes;
  const peers = table(
    [
      "tool",
      "full s",
      "full MiB/s",
      "incr s",
      "restore s",
      "restore MiB/s",
      "repo MiB",
      "peak RSS MiB",
      "restore identical",
    ],
    report.tools.map((t) => [
      t.name,
      t.full.wallSeconds.toFixed(1),
      mibs(size, t.full.wallSeconds),
      t.incremental.wallSeconds.toFixed(1),
      t.restore.wallSeconds.toFixed(1),
      mibs(size, t.restore.wallSeconds),
      `${mib(t.repoBytesAfterFull)} → ${mib(t.repoBytesAfterIncremental)}`,
      mib(Math.max(t.full.peakRssBytes, t.incremental.peakRssBytes, t.restore.peakRssBytes)),
      t.restoreIdentical ? "yes" : "NO",
    ]),
  );
  const stages = table(
    ["Lifeboat stage (1 core, in memory)", "MiB/s", "stored/input"],
    report.stages.map((s) => [s.stage, s.mibPerSecond.toFixed(0), s.ratio?.toFixed(3) ?? ""]),
  );
  const cpu = report.tools
    .map((t) => `${t.name} full backup used ${t.full.cpuSeconds?.toFixed(1) ?? "?"} CPU s`)
    .join("; ");
  const ratios = ratioTable(report);
  return [
    `image ${mib(size)} MiB (half random, half text), generated in ${report.generateSeconds.toFixed(1)} s; ` +
      `load average before: ${report.host.loadBefore.map((l) => l.toFixed(2)).join(" ")}`,
    "",
    report.tools.length > 0 ? peers : "(no peer tools run)",
    "",
    cpu,
    report.missing.length > 0 ? `not installed: ${report.missing.join(", ")}` : "",
    "",
    stages,
    "",
    ratios,
  ].join("\n");
}

/** The design's targets as ratios against restic: how many times better Lifeboat is. */
function ratioTable(report: BenchReport): string {
  const restic = report.tools.find((t) => t.name === "restic");
  const ours = report.tools.filter((t) => t.name.startsWith("lifeboat"));
  if (restic === undefined || ours.length === 0) return "";
  const x = (n: number) => `${n.toFixed(2)}x`;
  return table(
    [
      "vs restic",
      "full speed (target ≥ 2x)",
      "incremental speed (≥ 20x)",
      "restore speed (≥ 1.5x)",
      "repo size after incr (≤ 1x)",
    ],
    ours.map((t) => [
      t.name,
      x(restic.full.wallSeconds / t.full.wallSeconds),
      x(restic.incremental.wallSeconds / t.incremental.wallSeconds),
      x(restic.restore.wallSeconds / t.restore.wallSeconds),
      x(t.repoBytesAfterIncremental / restic.repoBytesAfterIncremental),
    ]),
  );
}
