import type { StepRecord } from "../store/steps-repo.js";
import { dependentsOf, type ExecutableStep } from "./execution-plan.js";

/** The prefix of a teardown step's id: `undo:<step id of the run being torn down>`. */
export const undoPrefix = "undo:";

/**
 * The steps of a teardown run: one `undo:<id>` per step of the torn-down run that was ever
 * started (it may have made something, even if it never finished) and whose kind can be undone.
 * Order is the reverse of the original: an undo waits for the undo of every step that depended
 * on it — through steps that have no undo, so a subnet is deleted after the instance in it even
 * when the step between them (say, attaching a volume) is not undone itself.
 */
export function teardownSteps(
  steps: readonly ExecutableStep[],
  records: readonly StepRecord[],
  canUndo: (kind: string) => boolean,
): ExecutableStep[] {
  const attempted = new Set(records.filter((r) => r.attempts > 0).map((r) => r.stepId));
  const undone = steps.filter((s) => attempted.has(s.id) && canUndo(s.kind));
  const inTeardown = new Set(undone.map((s) => s.id));
  const dependents = dependentsOf(steps);
  const nearestUndoneDependents = (id: string): Set<string> => {
    const found = new Set<string>();
    const seen = new Set<string>();
    const queue = [...(dependents.get(id) ?? [])];
    while (queue.length > 0) {
      const next = queue.shift() ?? "";
      if (seen.has(next)) continue;
      seen.add(next);
      if (inTeardown.has(next)) found.add(next);
      else queue.push(...(dependents.get(next) ?? []));
    }
    return found;
  };
  // Reverse plan order keeps the teardown plan readable: what was made last is undone first.
  return undone.reverse().map((step) => ({
    id: `${undoPrefix}${step.id}`,
    kind: step.kind,
    dependsOn: [...nearestUndoneDependents(step.id)].sort().map((id) => `${undoPrefix}${id}`),
    idempotencyKey: `${undoPrefix}${step.idempotencyKey}`,
    input: null,
    ...(step.resource === undefined ? {} : { resource: step.resource }),
    ...(step.resourceKind === undefined ? {} : { resourceKind: step.resourceKind }),
    summary: `undo ${step.summary ?? step.id}`,
  }));
}
