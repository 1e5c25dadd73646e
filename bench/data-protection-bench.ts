import { runHydrateBench, type HydrateBenchResult } from "./hydrate-bench.js";
import { runPgRpoBench, type PgRpoBenchResult } from "./pg-rpo-bench.js";
import { runPrestageBench, type PrestageBenchResult } from "./prestage-bench.js";

/** The data-protection part of `npm run bench` (docs/benchmarks.md, "Data protection"). */
export async function runDataProtectionBench(log: (line: string) => void): Promise<{
  results: { hydrate: HydrateBenchResult; prestage: PrestageBenchResult; pg: PgRpoBenchResult };
  markdown: string;
}> {
  const hydrate = await runHydrateBench(2 * 1024 * 1024, log);
  const prestage = await runPrestageBench(1024 * 1024, log);
  const pg = await runPgRpoBench(
    { archiveTimeoutSeconds: 5, loadSeconds: 60, intervalMs: 20 },
    log,
  );
  const f = (n: number) => n.toFixed(2);
  const markdown = [
    "",
    "### Hydration into moto (EBS direct APIs)",
    "",
    "| image | block | blocks written | zero blocks skipped | write | puts/s | read-back verify | identical | volume + attach | RTO per volume with hydration | without (pre-staged snapshot) |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    `| ${hydrate.imageBytes / 1024 / 1024} MiB | ${hydrate.blockSize} B | ${hydrate.blocksWritten} | ${hydrate.zeroBlocksSkipped} | ${f(hydrate.writeSeconds)} s | ${hydrate.putsPerSecond.toFixed(0)} | ${f(hydrate.verifySeconds)} s | ${hydrate.identical} | ${f(hydrate.volumeSeconds)} s | ${f(hydrate.withHydrationSeconds)} s | ${f(hydrate.withoutHydrationSeconds)} s |`,
    "",
    "### RTO with and without pre-staging (moto, the hydrate step as a recovery runs it)",
    "",
    "| image | full stage | incremental stage after scattered 4 KiB writes | RTO per volume, hydrated | from the pre-staged snapshot | ratio | puts during the pre-staged recovery |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    `| ${prestage.imageBytes / 1024 / 1024} MiB | ${prestage.fullStage.blocks} blocks in ${f(prestage.fullStage.seconds)} s | ${prestage.incremental.writes} writes → ${prestage.incremental.blocks} blocks | ${f(prestage.withHydrationSeconds)} s (identical: ${prestage.identical}) | ${f(prestage.withoutHydrationSeconds)} s | ${(prestage.withHydrationSeconds / prestage.withoutHydrationSeconds).toFixed(0)}× | ${prestage.putsDuringPrestagedRecovery} |`,
    "",
    "### PostgreSQL RPO under a steady write load",
    "",
    "| archive_timeout | load | rows | WAL files archived | RPO median | p95 | max | per-segment archive lag median / max |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    `| ${pg.archiveTimeoutSeconds} s | ${pg.loadSeconds} s | ${pg.rowsWritten} | ${pg.segmentsArchived} | ${f(pg.rpoSeconds.median)} s | ${f(pg.rpoSeconds.p95)} s | ${f(pg.rpoSeconds.max)} s | ${pg.archiveLagSeconds ? `${f(pg.archiveLagSeconds.median)} / ${f(pg.archiveLagSeconds.max)} s` : "-"} |`,
  ].join("\n");
  return { results: { hydrate, prestage, pg }, markdown };
}
