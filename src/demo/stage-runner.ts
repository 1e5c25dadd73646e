import { isLifeboatError, LifeboatError } from "../model/errors.js";
import type { DemoListener, DemoStage, DemoStageEvent } from "./demo-events.js";

/** A finished stage as the report lists it. */
export interface StageRecord {
  readonly stage: DemoStage;
  readonly status: DemoStageEvent["status"];
  readonly durationMs: number | null;
  readonly summary: string;
}

/**
 * Runs the demo's stages one after the other, timing each and telling the listener when each
 * starts and ends. A failure that is not already a Lifeboat error becomes
 * `LB_DEMO_STAGE_FAILED` naming the stage, so the user sees where the demo stopped.
 */
export class StageRunner {
  readonly records: StageRecord[] = [];
  readonly #started = performance.now();

  constructor(
    private readonly listener: DemoListener,
    private readonly signal: AbortSignal | undefined,
  ) {}

  elapsedMs(): number {
    return Math.round(performance.now() - this.#started);
  }

  /** Runs `body` as `stage`; `done` turns its result into the closing summary line. */
  async run<T>(
    stage: DemoStage,
    summary: string,
    body: () => Promise<T>,
    done: (result: T) => string,
  ): Promise<T> {
    this.#throwIfAborted();
    const start = performance.now();
    this.#emit(stage, "started", null, summary);
    try {
      const result = await body();
      this.#throwIfAborted();
      this.#end(stage, "succeeded", start, done(result));
      return result;
    } catch (error) {
      const failure = this.#failure(stage, error);
      this.#end(stage, "failed", start, `${failure.code}: ${failure.message}`);
      throw failure;
    }
  }

  /** Records a stage that does not run in this demo, with the reason. */
  skip(stage: DemoStage, reason: string): void {
    this.#emit(stage, "skipped", null, reason);
    this.records.push({ stage, status: "skipped", durationMs: null, summary: reason });
  }

  #end(stage: DemoStage, status: "succeeded" | "failed", start: number, summary: string): void {
    const durationMs = Math.round(performance.now() - start);
    this.#emit(stage, status, durationMs, summary);
    this.records.push({ stage, status, durationMs, summary });
  }

  #emit(
    stage: DemoStage,
    status: DemoStageEvent["status"],
    durationMs: number | null,
    summary: string,
  ): void {
    this.listener({
      type: "stage",
      stage,
      status,
      elapsedMs: this.elapsedMs(),
      durationMs,
      summary,
    });
  }

  #failure(stage: DemoStage, error: unknown): LifeboatError {
    // After Ctrl-C the cloud is gone, so whatever failed, the reason is the cancellation.
    if (this.signal?.aborted)
      return new LifeboatError("LB_CANCELLED", `demo stopped during ${stage}`);
    if (isLifeboatError(error)) return error;
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return new LifeboatError("LB_DEMO_STAGE_FAILED", `${stage}: ${message}`, {
      cause: error,
      details: { stage },
    });
  }

  #throwIfAborted(): void {
    if (this.signal?.aborted) throw new LifeboatError("LB_CANCELLED", "demo stopped");
  }
}
