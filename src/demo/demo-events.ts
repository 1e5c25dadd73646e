/**
 * What `lifeboat demo` tells its watcher while it runs (docs/demo.md): one event when a stage
 * starts and one when it ends, plus step progress inside the drill. The CLI prints them as
 * lines on a terminal and as NDJSON on stderr with --json.
 */

/** The demo's stages, in the order they run. */
export const demoStages = [
  "moto",
  "build",
  "config",
  "capture",
  "protect",
  "drill",
  "failover",
  "serve",
] as const;

export type DemoStage = (typeof demoStages)[number];

export interface DemoStageEvent {
  readonly type: "stage";
  readonly stage: DemoStage;
  readonly status: "started" | "succeeded" | "failed" | "skipped";
  /** Since the demo started. */
  readonly elapsedMs: number;
  /** The stage's own time; null on `started`. */
  readonly durationMs: number | null;
  /** One human line: what the stage does or did. */
  readonly summary: string;
}

/** Steps of the drill's run so far (the drill and its teardown). */
export interface DemoProgressEvent {
  readonly type: "progress";
  readonly stage: DemoStage;
  readonly elapsedMs: number;
  readonly done: number;
  readonly total: number;
  readonly summary: string;
}

/** The dashboard is up: where, and the token to sign in with (`serve` stage). */
export interface DemoDashboardEvent {
  readonly type: "dashboard";
  readonly elapsedMs: number;
  readonly url: string;
  readonly token: string;
}

export type DemoEvent = DemoStageEvent | DemoProgressEvent | DemoDashboardEvent;

export type DemoListener = (event: DemoEvent) => void;
