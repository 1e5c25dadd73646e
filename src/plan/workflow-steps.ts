import type { Inventory, LogicalId } from "../model/inventory/index.js";
import {
  resourceStepKinds,
  workflowChain,
  workflowPoints,
  type AttachedWorkflows,
  type StepKind,
  type WorkflowPoint,
} from "../model/plan/index.js";
import type { PlanStep } from "./failover-plan.js";

/**
 * Step kinds that build the copy in the target: the resource steps but `dns` (everything else
 * concerns traffic or the run).
 */
const rebuildKinds: ReadonlySet<StepKind> = new Set(
  resourceStepKinds.filter((kind) => kind !== "dns"),
);
/** Steps that move traffic: what `before-dns` and `after-dns` surround. */
const trafficKinds: ReadonlySet<StepKind> = new Set(["dns", "dns-move"]);
/** Compute: machines and scaling groups, and what `configure` attaches to machines. */
const computeKinds = new Set(["machine", "scaling-group"]);
const attachedKinds = new Set(["volume", "network-interface", "address"]);

export interface WorkflowStepsInput {
  readonly steps: readonly PlanStep[];
  readonly bindings: Readonly<Record<string, string>>;
  readonly inventory: Inventory;
  readonly workflows: AttachedWorkflows;
}

/**
 * Adds a `workflow` step (`workflow:<point>:<name>`) for every workflow attached at a point of
 * the plan (docs/recovery-plan.md, "Workflow points"); several at one point run one after the
 * other in list order. Pure. Edges, by point:
 * - `before-network`: every rebuild step without dependencies waits for it;
 * - `after-compute`: after every compute step (else the whole rebuild); the verify, approval
 *   and DNS steps that waited for the rebuild wait for it too;
 * - `verify`: after `verify:endpoint` (else the rebuild and `after-compute`); what waited for
 *   `verify:endpoint` (or the rebuild) waits for it too;
 * - `before-dns`: after what the DNS steps waited for, and they wait for it;
 * - `after-dns`: after the DNS steps; `fence` and `mark` wait for it.
 * Without DNS steps (a drill) `before-dns` and `after-dns` have no place and add no step;
 * `before-sync-back` belongs to failback plans (src/recover/failback-workflow-steps.ts) and has
 * no place here.
 */
export function withWorkflowSteps(input: WorkflowStepsInput): PlanStep[] {
  const steps = input.steps.map((s) => ({ ...s, dependsOn: [...s.dependsOn] }));
  const rebuild = steps.filter((s) => rebuildKinds.has(s.kind));
  const rebuildIds = new Set(rebuild.map((s) => s.id));
  const traffic = steps.filter((s) => trafficKinds.has(s.kind)).map((s) => s.id);
  const machines = machineRefs(input);
  /** Steps outside the rebuild that wait for it: the gate of verify, approval and DNS. */
  const gateOf = () =>
    steps.filter(
      (s) =>
        !rebuildIds.has(s.id) &&
        s.kind !== "dns-ttl" &&
        s.kind !== "workflow" &&
        s.dependsOn.some((d) => rebuildIds.has(d)),
    );
  const chain = (point: WorkflowPoint, after: readonly string[]): string | undefined => {
    const added = workflowChain(
      input.workflows,
      point,
      after,
      point === "before-network" ? {} : machines,
      () => "",
    );
    steps.push(...added);
    return added.at(-1)?.id;
  };
  const addDependency = (ids: Iterable<string>, on: string) => {
    for (const s of steps)
      if (new Set(ids).has(s.id) && !s.dependsOn.includes(on)) s.dependsOn.push(on);
  };

  for (const point of workflowPoints) {
    if ((input.workflows[point] ?? []).length === 0) continue;
    switch (point) {
      case "before-network": {
        const roots = rebuild.filter((s) => s.dependsOn.length === 0).map((s) => s.id);
        const last = chain(point, []);
        if (last) addDependency(roots, last);
        break;
      }
      case "after-compute": {
        const compute = rebuild.filter(isCompute).map((s) => s.id);
        const gate = gateOf().map((s) => s.id);
        const last = chain(point, compute.length > 0 ? compute : sinks(rebuild));
        if (last) addDependency(gate, last);
        break;
      }
      case "verify": {
        const check = steps.find((s) => s.kind === "verify");
        const after = check ? [check.id] : rebuildDone(steps, rebuildIds);
        const waiting = check
          ? steps.filter((s) => s.dependsOn.includes(check.id)).map((s) => s.id)
          : gateOf().map((s) => s.id);
        const last = chain(point, after);
        if (last) addDependency(waiting, last);
        break;
      }
      case "before-sync-back":
        break;
      case "before-dns": {
        if (traffic.length === 0) break;
        const before = steps.filter((s) => traffic.includes(s.id)).flatMap((s) => s.dependsOn);
        const last = chain(point, unique(before));
        if (last) addDependency(traffic, last);
        break;
      }
      case "after-dns": {
        if (traffic.length === 0) break;
        const waiting = steps
          .filter((s) => !traffic.includes(s.id) && s.dependsOn.some((d) => traffic.includes(d)))
          .map((s) => s.id);
        const last = chain(point, traffic);
        if (last) addDependency(waiting, last);
        break;
      }
    }
  }
  return steps;
}

function isCompute(step: PlanStep): boolean {
  const kind = step.resourceKind ?? "";
  return computeKinds.has(kind) || (step.kind === "configure" && attachedKinds.has(kind));
}

/** Source machine provider id → a `{ref}` of its recovered copy, for the machines rebuilt. */
function machineRefs(input: WorkflowStepsInput): Record<string, { ref: LogicalId }> {
  const refs: Record<string, { ref: LogicalId }> = {};
  for (const r of input.inventory.resources) {
    if (r.kind === "machine" && input.bindings[r.id] !== undefined)
      refs[r.providerId] = { ref: r.id };
  }
  return refs;
}

/** The rebuild's sinks plus any `after-compute` workflow: the copy is complete once they are. */
function rebuildDone(steps: readonly PlanStep[], rebuildIds: ReadonlySet<string>): string[] {
  const inRebuild = steps.filter(
    (s) =>
      rebuildIds.has(s.id) || (s.kind === "workflow" && s.id.startsWith("workflow:after-compute:")),
  );
  return sinks(inRebuild);
}

/** Steps of `steps` that no other of them depends on. */
function sinks(steps: readonly PlanStep[]): string[] {
  const needed = new Set(steps.flatMap((s) => s.dependsOn));
  return steps.filter((s) => !needed.has(s.id)).map((s) => s.id);
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}
