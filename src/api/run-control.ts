import type { RunRecord } from "../store/runs-repo.js";

/** What a client asks to recover: `POST /runs` and `POST /environments/:env/plan`. */
export interface RunRequest {
  readonly mode: "drill" | "failover";
  /** Recover the inventory version in effect at this time (default: the latest). */
  readonly at?: Date;
  /** Partial recovery: kinds, logical ids or tag=value selectors. */
  readonly only?: readonly string[];
  /** Failover only: wait at an `approval` step before DNS moves (`recover --approval`). */
  readonly approval?: boolean;
}

/**
 * Recovery runs driven by the server process (wired in the composition root). Every method
 * returns once the store says what happened; the execution itself continues in the
 * background, journaled, so a server that dies mid-run leaves a run `resume` picks up.
 */
export interface RunControl {
  /** The dry-run plan (pre-flight problems → `LB_PLAN_PREFLIGHT_FAILED`). Creates nothing. */
  plan(environment: string, request: RunRequest): Promise<unknown>;
  /** Plans, records and starts a run; resolves with the recorded run before it executes. */
  start(environment: string, request: RunRequest): Promise<RunRecord>;
  /**
   * The failover a watcher decision of incident `incidentId` asks for (`serve`'s scheduler):
   * resolves with the recorded run, which continues in the background, or undefined when it
   * is skipped — the incident's run exists, the environment is failed over, or another
   * failover of it is unfinished (composition.ts `failoverOnDecision`).
   */
  failover(
    environment: string,
    request: { readonly incidentId: string; readonly approval: boolean },
  ): Promise<RunRecord | undefined>;
  /** Continues a stopped or crashed run in the background (`lifeboat resume`). */
  resume(runId: string): Promise<RunRecord>;
  /** Asks a running run to stop (`lifeboat cancel`). */
  cancel(runId: string): Promise<RunRecord>;
  /** Tears down what a run created, in the background (`lifeboat teardown`). */
  teardown(runId: string): Promise<RunRecord>;
  /** Resolves when no background work is left (graceful shutdown waits for it). */
  drain(): Promise<void>;
}
