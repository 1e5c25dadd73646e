import { z } from "zod";
import { LifeboatError } from "../../model/errors.js";
import type { LocalTarget, WorkflowTarget } from "../../model/workflow-target.js";
import { definePlugin, PLUGIN_API_VERSION } from "../plugin-api.js";

/**
 * Where a protection cycle holds its backup workflow while it captures: `hold` resolves when
 * the capture has ended and throws the capture's error when it failed.
 */
export interface CycleWindow {
  hold(runId: string, signal: AbortSignal): Promise<void>;
}

/**
 * The `protect-cycle` step of a backup workflow (docs/workflow-semantics.md, "Backup
 * workflows"): it stands for the capture, between the `before` and `after` steps. Only the
 * protection cycle that started the run performs it (through `window`); run any other way —
 * `lifeboat resume` of a cycle whose process died — it fails with `LB_WORKFLOW_INTERRUPTED`,
 * after the resume has undone the open pairs, so the writers are released and nothing claims
 * a point that was never taken.
 */
export function protectCyclePlugin(window?: CycleWindow) {
  return definePlugin<Record<string, never>, LocalTarget>({
    name: "lifeboat.action.protect-cycle",
    apiVersion: PLUGIN_API_VERSION,
    action: "protect-cycle",
    description: "The protection cycle's capture inside a backup workflow",
    configSchema: z.strictObject({}),
    appliesTo: (target: WorkflowTarget): target is LocalTarget => target.kind === "local",
    async execute(ctx) {
      if (window === undefined) {
        throw new LifeboatError(
          "LB_WORKFLOW_INTERRUPTED",
          "this backup workflow's protection cycle is gone (its process ended)",
          { details: { runId: ctx.runId } },
        );
      }
      await window.hold(ctx.runId, ctx.signal);
    },
  });
}
