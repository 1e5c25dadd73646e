import { z } from "zod";
import { captureVersion, type CaptureVersionDeps } from "../capture/capture-versions.js";
import type { StepHandler } from "../execute/step-handler.js";
import { parseStepInput } from "../execute/step-input.js";

/** The input of a `capture-copy` step: the copy's connection and the failover that made it. */
export const captureCopyInputSchema = z.strictObject({
  connection: z.string().min(1),
  failoverRunId: z.string().min(1),
});

/** The label of the inventory version holding the copy of failover `runId`. */
export const copyLabel = (runId: string) => `copy:${runId}`;

export interface CaptureCopyDeps {
  /** The capture engine's dependencies for `environment`, discovering through `connection`. */
  captureDeps(environment: string, connection: string): Promise<CaptureVersionDeps>;
}

/**
 * The `capture-copy` step of a failback (docs/recovery.md, "Failback"): captures what the
 * failover run made in the target — every resource tagged `lifeboat:run=<failover run>`, with
 * the capture engine's closure — and stores it as an inventory version of the environment
 * labelled `copy:<failover run>`, before the copy is torn down. A labelled version is listed by
 * `history` and compared by `diff`, but is never the latest: recoveries keep rebuilding the
 * primary. Idempotent: a version with the label already recorded is returned as it is.
 */
export function captureCopyStepHandler(deps: CaptureCopyDeps): StepHandler {
  return {
    async execute(step, ctx) {
      const input = parseStepInput(captureCopyInputSchema, ctx.input, step.id);
      const label = copyLabel(input.failoverRunId);
      const capture = await captureVersion(
        await deps.captureDeps(ctx.environment, input.connection),
        {
          environment: ctx.environment,
          selection: { tags: { "lifeboat:run": input.failoverRunId } },
          label,
        },
        { signal: ctx.signal },
      );
      const { version } = capture;
      const outputs = {
        version: version.version,
        label,
        created: capture.created,
        digest: version.digest,
        snapshotId: version.snapshotId,
        capturedAt: version.capturedAt.toISOString(),
        resources: Object.values(version.counts).reduce((a, b) => a + b, 0),
        counts: { ...version.counts },
      };
      await ctx.journal({ type: "capture-copy.stored", data: outputs });
      return { outputs };
    },
  };
}
