import type { RecordView } from "../providers/aws/shop/read-record.js";
import type { RecoveryReport } from "../recover/index.js";
import type { SampleVolumeReport } from "./sample-volume.js";
import type { StageRecord } from "./stage-runner.js";

/** What `lifeboat demo` did and measured (the `--json` document, docs/cli-json.md). */
export interface DemoReport {
  /**
   * True when the drill and the failover verified equivalent (the drill also torn down), the
   * failover moved the shop's record, and the sample volume restored byte-identical.
   */
  readonly ok: boolean;
  /** The demo folder: config, password file, state store, repository, sample volume. */
  readonly dir: string;
  /** Whether the folder stays after the demo (--keep or --dir). */
  readonly kept: boolean;
  readonly config: string;
  readonly endpoint: string;
  /** The moto_server the demo started; null with --endpoint. */
  readonly motoPid: number | null;
  /** The web shop built in the source region. */
  readonly environment: {
    readonly name: string;
    readonly region: string;
    /** Where drills and failovers rebuild it. */
    readonly targetRegion: string;
    readonly resources: number;
    readonly byKind: Readonly<Record<string, number>>;
  };
  readonly capture: {
    readonly version: number;
    readonly digest: string;
    readonly resources: number;
    readonly apiCalls: number;
    readonly wallMs: number;
  };
  readonly protection: SampleVolumeReport;
  /** The drill into the target region: RTO, RPO, steps, verification, teardown. */
  readonly drill: RecoveryReport;
  /** The failover into the target region with its DNS cut-over. */
  readonly failover: {
    readonly report: RecoveryReport;
    /** The shop's public record before and after the run. */
    readonly record: {
      readonly name: string;
      readonly before: RecordView | null;
      readonly after: RecordView | null;
      readonly moved: boolean;
    };
  };
  readonly stages: readonly StageRecord[];
  /** From start to the report. */
  readonly wallMs: number;
}

/** A drill ended well: built, verified equivalent, and torn down. */
export function drillOk(drill: RecoveryReport): boolean {
  return (
    drill.phase === "succeeded" &&
    drill.verification?.result === "equivalent" &&
    drill.teardown?.phase === "succeeded"
  );
}

/** A failover ended well: built, verified equivalent. */
export function failoverOk(run: RecoveryReport): boolean {
  return run.phase === "succeeded" && run.verification?.result === "equivalent";
}

/** Resources per kind, e.g. `{ subnet: 4, "security-group": 4, … }`. */
export function countByKind(items: readonly { readonly kind: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { kind } of items) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}
