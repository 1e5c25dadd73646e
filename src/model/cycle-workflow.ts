/**
 * Backup workflows (docs/workflow-semantics.md, "Backup workflows"): the one workflow a
 * protection cycle runs — the `before` steps, the cycle itself as a step, the `after` steps —
 * so a pair opened before the capture and closed after it keeps the runner's undo guarantee.
 */
import type { WorkflowConfig, WorkflowStepConfig } from "./workflow.js";
import { workflowStructureProblems, type StructureProblem } from "./workflow-structure.js";

/** The step that stands for the capture; its action is performed by the protection cycle. */
export const CYCLE_STEP_ID = "protect-cycle";
export const CYCLE_ACTION = "lifeboat.action.protect-cycle";

/** A `before`/`after` entry: a workflow's name (its steps are inlined) or one step. */
export type CycleWorkflowEntry = string | WorkflowStepConfig;

export interface CycleWorkflows {
  readonly before: readonly CycleWorkflowEntry[];
  readonly after: readonly CycleWorkflowEntry[];
}

/** The workflow run's name for a group's cycles: orphans of a crashed cycle are found by it. */
export const cycleWorkflowName = (environment: string, group: string): string =>
  `protect:${environment}:${group}`;

/**
 * The steps of one cycle's workflow in written order, or the problems: an unknown workflow
 * name, or a structural problem of the combined steps (a duplicate id across workflows, an
 * `undo` naming no step or an earlier one).
 */
export function cycleWorkflow(
  hooks: CycleWorkflows,
  workflows: Readonly<Record<string, WorkflowConfig>>,
): { readonly workflow: WorkflowConfig } | { readonly problems: StructureProblem[] } {
  const problems: StructureProblem[] = [];
  const expand = (half: "before" | "after") =>
    hooks[half].flatMap((entry, i): WorkflowStepConfig[] => {
      if (typeof entry !== "string") return [entry];
      const named = Object.hasOwn(workflows, entry) ? workflows[entry] : undefined;
      if (named) return [...named.steps];
      const known = Object.keys(workflows).join(", ") || "none";
      problems.push({ path: [half, i], message: `no workflow "${entry}" (known: ${known})` });
      return [];
    });
  const cycle: WorkflowStepConfig = {
    id: CYCLE_STEP_ID,
    action: CYCLE_ACTION,
    with: {},
    onError: "fail",
  };
  const steps = [...expand("before"), cycle, ...expand("after")];
  if (problems.length > 0) return { problems };
  const structure = workflowStructureProblems(steps);
  if (structure.length > 0) {
    return {
      problems: structure.map((p) => {
        const index = typeof p.path[1] === "number" ? p.path[1] : undefined;
        const id = index === undefined ? undefined : steps[index]?.id;
        return { path: [], message: id === undefined ? p.message : `step ${id}: ${p.message}` };
      }),
    };
  }
  return { workflow: { steps } };
}
