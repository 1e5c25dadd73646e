import { z } from "zod";

/**
 * Named points of a recovery plan where an environment's `recovery.workflows` attach
 * (docs/recovery-plan.md, "Workflow points"), in the order a run reaches them:
 * - `before-network`: before anything is made in the target (every root step waits for it);
 * - `after-compute`: once every machine and scaling group step is done;
 * - `verify`: after the `verify:endpoint` check (or the rebuild, without one); traffic waits;
 * - `before-sync-back` (failback only): on the copy, before its data is carried home (quiesce
 *   the app, take the final delta); a recovery plan has no such point;
 * - `before-dns`, `after-dns`: around the steps that move DNS; a plan without any (a drill)
 *   has no such point, and a workflow attached there is left out of it.
 * A failback plan honours `before-sync-back`, `before-dns` and `after-dns` only.
 */
export const workflowPoints = [
  "before-network",
  "after-compute",
  "verify",
  "before-sync-back",
  "before-dns",
  "after-dns",
] as const;
export type WorkflowPoint = (typeof workflowPoints)[number];
export const workflowPointSchema = z.enum(workflowPoints);

/** Workflow names by point, as `recovery.workflows` lists them (run in list order). */
export type AttachedWorkflows = Readonly<Partial<Record<WorkflowPoint, readonly string[]>>>;

/**
 * Input of a `workflow` step: run workflow `workflow` of the config as a child run.
 * `machines` maps a source machine's provider id to a `{ref}` of its recovered copy, which the
 * executor binds to the new instance id: a workflow target `machine: { instanceId: <source
 * id> }` then acts on the recovered machine (only at points after the machines exist).
 */
export const workflowStepInputSchema = z.strictObject({
  point: workflowPointSchema,
  workflow: z.string().min(1),
  machines: z.record(z.string(), z.string()).default({}),
});
export type WorkflowStepInput = z.infer<typeof workflowStepInputSchema>;

/** A `workflow` step as recovery and failback plans add it at their points. */
export interface WorkflowStep<M> {
  readonly id: string;
  readonly kind: "workflow";
  readonly summary: string;
  readonly dependsOn: string[];
  readonly idempotencyKey: string;
  readonly input: { point: WorkflowPoint; workflow: string; machines: M };
}

/**
 * The `workflow` steps (`workflow:<point>:<name>`) of the workflows attached at `point`, in
 * list order: the first waits for `after`, each next one for the one before it.
 */
export function workflowChain<M>(
  workflows: AttachedWorkflows,
  point: WorkflowPoint,
  after: readonly string[],
  machines: M,
  key: (name: string) => string,
): WorkflowStep<M>[] {
  const chain: WorkflowStep<M>[] = [];
  for (const name of workflows[point] ?? []) {
    const last = chain.at(-1);
    chain.push({
      id: `workflow:${point}:${name}`,
      kind: "workflow",
      summary: `run workflow ${name} (${point})`,
      dependsOn: last ? [last.id] : [...after],
      idempotencyKey: key(name),
      input: { point, workflow: name, machines },
    });
  }
  return chain;
}
