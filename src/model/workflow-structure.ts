/**
 * The order of a workflow's steps and the structural rules of pairs (docs/workflow-semantics.md,
 * "Ordering" and "Pairs"). Pure: the config schema and the runner share it.
 */

/** What ordering needs of a step. */
export interface OrderableStep {
  readonly id: string;
  readonly seq?: number | undefined;
  readonly after?: readonly string[] | undefined;
  readonly undo?: string | undefined;
}

export interface StructureProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

/**
 * The run order: a topological order of the `after` edges in which, among steps that are ready,
 * the lowest `seq` goes first (a step without `seq` counts as the `seq` of the step written
 * before it, so unnumbered lists run as written), ties broken by written position. Returns
 * undefined when the `after` edges have a cycle or name unknown steps.
 */
export function orderSteps<T extends OrderableStep>(steps: readonly T[]): T[] | undefined {
  const ids = new Set(steps.map((s) => s.id));
  let lastSeq = Number.NEGATIVE_INFINITY;
  const keyed = steps.map((step, index) => {
    lastSeq = step.seq ?? lastSeq;
    return { step, index, seq: lastSeq };
  });
  const done = new Set<string>();
  const order: T[] = [];
  while (order.length < steps.length) {
    const ready = keyed
      .filter((k) => !done.has(k.step.id))
      .filter((k) => (k.step.after ?? []).every((id) => ids.has(id) && done.has(id)))
      .sort((a, b) => a.seq - b.seq || a.index - b.index);
    const next = ready[0];
    if (!next) return undefined;
    done.add(next.step.id);
    order.push(next.step);
  }
  return order;
}

/** Every structural problem: duplicate ids, unknown or cyclic `after`, malformed pairs. */
export function workflowStructureProblems(steps: readonly OrderableStep[]): StructureProblem[] {
  const problems: StructureProblem[] = [];
  const index = new Map<string, number>();
  steps.forEach((step, i) => {
    if (index.has(step.id)) {
      problems.push({ path: ["steps", i, "id"], message: `step id "${step.id}" is used twice` });
    }
    index.set(step.id, i);
    (step.after ?? []).forEach((id, j) => {
      if (!index.has(id) && !steps.some((s) => s.id === id)) {
        problems.push({ path: ["steps", i, "after", j], message: `no step has id "${id}"` });
      }
    });
  });
  if (problems.length > 0) return problems;
  const order = orderSteps(steps);
  if (!order) return [{ path: ["steps"], message: "the steps' `after` lists form a cycle" }];
  const position = new Map(order.map((step, i) => [step.id, i]));
  const undoneBy = new Map<string, string>();
  steps.forEach((step, i) => {
    if (step.undo === undefined) return;
    const at = ["steps", i, "undo"];
    const undo = steps.find((s) => s.id === step.undo);
    if (!undo) problems.push({ path: at, message: `no step has id "${step.undo}"` });
    else if ((position.get(undo.id) ?? 0) <= (position.get(step.id) ?? 0)) {
      problems.push({ path: at, message: `undo step "${undo.id}" must run after "${step.id}"` });
    } else if (undoneBy.has(undo.id)) {
      problems.push({
        path: at,
        message: `step "${undo.id}" already undoes "${undoneBy.get(undo.id)}"`,
      });
    } else if (undo.undo !== undefined) {
      problems.push({ path: at, message: `undo step "${undo.id}" cannot itself declare an undo` });
    }
    undoneBy.set(step.undo, step.id);
  });
  return problems;
}
