import { z } from "zod";
import { parseDuration } from "../model/duration.js";
import { LifeboatError } from "../model/errors.js";
import type { WorkflowConfig } from "../model/workflow.js";
import { orderSteps } from "../model/workflow-structure.js";
import { describeTarget, normaliseTargets, type WorkflowTarget } from "../model/workflow-target.js";
import type { PluginRegistry } from "../plugins/plugin-registry.js";

/** One step as a run executes it: its plug-in chosen, its parameters validated. */
export interface PlannedStep {
  readonly id: string;
  readonly action: string;
  /** The registered plug-in that performs the step. */
  readonly plugin: string;
  /** The `with` parameters as the plug-in's schema parsed them (defaults filled in). */
  readonly params: unknown;
  readonly targets: readonly WorkflowTarget[];
  readonly timeoutMs: number | null;
  readonly onError: "fail" | "continue";
  /** The later step that undoes this one. */
  readonly undo: string | null;
  /** The earlier step this one undoes. */
  readonly undoOf: string | null;
}

/** What a workflow run stores as its plan: the steps in run order. */
export interface WorkflowPlan {
  readonly workflow: string;
  readonly steps: readonly PlannedStep[];
}

/** A problem found while planning, naming the step (and the target, when it is about one). */
export interface WorkflowProblem {
  readonly step: string;
  readonly target?: string;
  readonly message: string;
}

/** The plan as stored with a run (read back with this schema; targets as written). */
export const workflowPlanSchema = z.object({
  workflow: z.string(),
  steps: z.array(
    z.object({
      id: z.string(),
      action: z.string(),
      plugin: z.string(),
      params: z.unknown(),
      targets: z.array(z.looseObject({ kind: z.enum(["local", "machine", "volume", "database"]) })),
      timeoutMs: z.number().nullable(),
      onError: z.enum(["fail", "continue"]),
      undo: z.string().nullable(),
      undoOf: z.string().nullable(),
    }),
  ),
});

/**
 * Resolves every step of `workflow` against `registry` before anything runs: a step whose
 * action no plug-in performs, or no plug-in applies to for one of its targets, or whose `with`
 * the plug-in rejects, is a problem. Any problem → `LB_WORKFLOW_INVALID` listing them all
 * (`details.problems`).
 */
export function planWorkflow(
  name: string,
  workflow: WorkflowConfig,
  registry: PluginRegistry,
): WorkflowPlan {
  const ordered = orderSteps(workflow.steps);
  if (!ordered) throw invalidWorkflow(name, [{ step: "*", message: "the steps form a cycle" }]);
  const undoOf = new Map(workflow.steps.flatMap((s) => (s.undo ? [[s.undo, s.id] as const] : [])));
  const problems: WorkflowProblem[] = [];
  const steps = ordered.map((step): PlannedStep => {
    const targets = normaliseTargets(step.target);
    const planned = {
      id: step.id,
      action: step.action,
      plugin: "",
      params: step.with,
      targets,
      timeoutMs: step.timeout === undefined ? null : (parseDuration(step.timeout) ?? null),
      onError: step.onError,
      undo: step.undo ?? null,
      undoOf: undoOf.get(step.id) ?? null,
    };
    const candidates = registry.candidates(step.action);
    if (candidates.length === 0) {
      problems.push({ step: step.id, message: `no plug-in performs action "${step.action}"` });
      return planned;
    }
    const plugin = registry.resolve(step.action, targets);
    if (!plugin) {
      for (const target of targets.filter((t) => !candidates.some((p) => p.appliesTo(t)))) {
        problems.push({
          step: step.id,
          target: describeTarget(target),
          message: `no plug-in for action "${step.action}" applies to ${describeTarget(target)} (candidates: ${candidates.map((p) => p.name).join(", ")})`,
        });
      }
      if (!problems.some((p) => p.step === step.id)) {
        problems.push({
          step: step.id,
          message: `no single plug-in for action "${step.action}" applies to all of the step's targets`,
        });
      }
      return planned;
    }
    const parsed = plugin.configSchema.safeParse(step.with);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const key = ["with", ...issue.path.map(String)].join(".");
        problems.push({ step: step.id, message: `${key}: ${issue.message}` });
      }
      return planned;
    }
    return { ...planned, plugin: plugin.name, params: parsed.data };
  });
  if (problems.length > 0) throw invalidWorkflow(name, problems);
  return { workflow: name, steps };
}

export function invalidWorkflow(name: string, problems: readonly WorkflowProblem[]): LifeboatError {
  const lines = problems.map(
    (p) => `step ${p.step}${p.target ? ` (target ${p.target})` : ""}: ${p.message}`,
  );
  return new LifeboatError(
    "LB_WORKFLOW_INVALID",
    `workflow ${name} is invalid:\n  ${lines.join("\n  ")}`,
    { details: { workflow: name, problems: problems.map((p) => ({ ...p })) } },
  );
}
