import type { ExecutableStep } from "../execute/execution-plan.js";
import {
  workflowChain,
  type AttachedWorkflows,
  type WorkflowPoint,
} from "../model/plan/workflow-points.js";
import type { JsonValue } from "../store/codec.js";

/** The points of `recovery.workflows` a failback plan honours, in the order it reaches them. */
export const failbackWorkflowPoints = ["before-sync-back", "before-dns", "after-dns"] as const;

export interface FailbackWorkflowInput {
  readonly steps: readonly ExecutableStep[];
  readonly workflows: AttachedWorkflows;
  /** The run's idempotency key of a step (`failback/<failover run>/<step>`). */
  readonly key: (step: string) => string;
  /** Primary machine provider id → the copy's instance id (the failover made it). */
  readonly copyMachines: Readonly<Record<string, string>>;
  /** Primary machine provider id → `{ref}` of its machine, bound to the `rebuild` step. */
  readonly primaryMachines: Readonly<Record<string, { readonly ref: string }>>;
}

/**
 * Adds a `workflow` step (`workflow:<point>:<name>`) for every workflow attached at a point a
 * failback has (docs/recovery-plan.md, "Workflow points"); several at one point run one after
 * the other in list order. Pure. Edges, by point:
 * - `before-sync-back`: after `capture:copy` and what the `sync-back` steps waited for (the
 *   rebuilds); every `sync-back` waits for it. Machine targets naming a primary machine act on
 *   its copy (the failover's instance): the place to quiesce the app there and take the final
 *   delta (`lifeboat agent --once` over ssh or SSM). No `sync-back` (nothing was hydrated):
 *   no place, no step.
 * - `before-dns`: after what the `dns-move` steps waited for, and they wait for it;
 * - `after-dns`: after the `dns-move` steps; the copy is torn down only after it.
 * Machine targets at the DNS points act on the primary's machine (the rebuild's output).
 * Without `dns-move` steps the DNS points have no place. Other points are for recovery plans.
 */
export function withFailbackWorkflows(input: FailbackWorkflowInput): ExecutableStep[] {
  const steps = input.steps.map((s) => ({ ...s, dependsOn: [...s.dependsOn] }));
  const chain = (
    point: WorkflowPoint,
    after: readonly string[],
    machines: JsonValue,
  ): string | undefined => {
    const added = workflowChain(input.workflows, point, [...new Set(after)], machines, (name) =>
      input.key(`workflow/${point}/${name}`),
    );
    steps.push(...added);
    return added.at(-1)?.id;
  };
  const waitFor = (ids: readonly string[], on: string | undefined) => {
    if (on === undefined) return;
    for (const s of steps)
      if (ids.includes(s.id) && !s.dependsOn.includes(on)) s.dependsOn.push(on);
  };
  const ofKind = (kind: string) => steps.filter((s) => s.kind === kind);
  const syncs = ofKind("sync-back").map((s) => s.id);
  const dns = ofKind("dns-move").map((s) => s.id);
  const depsOf = (ids: readonly string[]) =>
    steps.filter((s) => ids.includes(s.id)).flatMap((s) => s.dependsOn);
  const primary = input.primaryMachines as unknown as JsonValue;
  if (syncs.length > 0) {
    const capture = ofKind("capture-copy").map((s) => s.id);
    const after = [...capture, ...depsOf(syncs)];
    waitFor(syncs, chain("before-sync-back", after, { ...input.copyMachines }));
  }
  if (dns.length > 0) {
    waitFor(dns, chain("before-dns", depsOf(dns), primary));
    chain("after-dns", dns, primary);
  }
  return steps;
}
