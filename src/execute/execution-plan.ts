import { z } from "zod";
import { LifeboatError } from "../model/errors.js";
import { isRef } from "../model/inventory/logical-id.js";
import { jsonValueSchema, type JsonValue } from "../store/codec.js";

/**
 * The part of a plan step the executor needs. The planner's `Step` (src/model/plan/step.ts)
 * satisfies it; tests and workflows may build smaller ones.
 */
export interface ExecutableStep {
  /** Unique within the plan. */
  readonly id: string;
  /** Selects the {@link StepHandler}. */
  readonly kind: string;
  readonly dependsOn: readonly string[];
  /** Stable for this step of this plan; the executor scopes it to the run. */
  readonly idempotencyKey: string;
  /** The desired spec; `{ref: <logical id>}` values are bound from dependencies' outputs. */
  readonly input: JsonValue;
  readonly resource?: string;
  readonly resourceKind?: string;
  readonly summary?: string;
  /** A readiness gate: the step fails with `LB_TIMEOUT` once `timeoutSeconds` pass. */
  readonly gate?: { readonly condition: string; readonly timeoutSeconds: number };
}

/** What the executor runs: steps, plus which step's output binds each logical id. */
export interface ExecutionPlan {
  readonly steps: readonly ExecutableStep[];
  /** Logical id → step id whose `outputs.id` is that resource's id in the target. */
  readonly bindings?: Readonly<Record<string, string>>;
}

/** Reads the executable part back from `runs.plan_json`; other keys of the plan pass through. */
export const executionPlanSchema = z.looseObject({
  steps: z.array(
    z.looseObject({
      id: z.string().min(1),
      kind: z.string().min(1),
      dependsOn: z.array(z.string()),
      idempotencyKey: z.string().min(1),
      input: jsonValueSchema,
      resource: z.string().optional(),
      resourceKind: z.string().optional(),
      summary: z.string().optional(),
      gate: z
        .looseObject({ condition: z.string(), timeoutSeconds: z.number().positive() })
        .optional(),
    }),
  ),
  bindings: z.record(z.string(), z.string()).optional(),
});

function invalid(message: string, details: Record<string, unknown>): LifeboatError {
  return new LifeboatError("LB_INVALID_INPUT", message, { details });
}

/**
 * Checks the plan is a DAG the executor can run: unique ids, known dependencies, no cycle, and
 * every `{ref}` bound to a step among the referring step's ancestors. Returns the steps in a
 * topological order (stable: plan order among ready steps). Throws `LB_INVALID_INPUT`.
 */
export function validatePlan(plan: ExecutionPlan): ExecutableStep[] {
  const byId = new Map<string, ExecutableStep>();
  for (const step of plan.steps) {
    if (byId.has(step.id)) throw invalid(`step ${step.id} appears twice`, { stepId: step.id });
    byId.set(step.id, step);
  }
  for (const step of plan.steps) {
    for (const dep of step.dependsOn) {
      if (!byId.has(dep)) {
        throw invalid(`step ${step.id} depends on unknown step ${dep}`, { stepId: step.id, dep });
      }
    }
  }
  const order = topologicalOrder(plan.steps);
  const ancestors = ancestorsOf(plan.steps, order);
  for (const step of plan.steps) {
    for (const ref of refsIn(step.input)) {
      const binder = plan.bindings?.[ref];
      if (binder === undefined || !ancestors.get(step.id)?.has(binder)) {
        throw invalid(`step ${step.id} refers to ${ref}, which no step it depends on binds`, {
          stepId: step.id,
          ref,
          binder: binder ?? null,
        });
      }
    }
  }
  return order;
}

function topologicalOrder(steps: readonly ExecutableStep[]): ExecutableStep[] {
  const remaining = new Map(steps.map((s) => [s.id, new Set(s.dependsOn)]));
  const order: ExecutableStep[] = [];
  while (order.length < steps.length) {
    const ready = steps.filter((s) => remaining.get(s.id)?.size === 0);
    if (ready.length === 0) {
      const stuck = [...remaining.keys()].sort();
      throw invalid(`the plan's steps form a cycle among ${stuck.join(", ")}`, { steps: stuck });
    }
    for (const step of ready) {
      remaining.delete(step.id);
      order.push(step);
    }
    for (const deps of remaining.values()) for (const step of ready) deps.delete(step.id);
  }
  return order;
}

/** Every step's transitive dependencies; `order` must be topological. */
export function ancestorsOf(
  steps: readonly ExecutableStep[],
  order: readonly ExecutableStep[] = steps,
): Map<string, Set<string>> {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const result = new Map<string, Set<string>>();
  for (const step of order) {
    const all = new Set<string>();
    for (const dep of byId.get(step.id)?.dependsOn ?? []) {
      all.add(dep);
      for (const a of result.get(dep) ?? []) all.add(a);
    }
    result.set(step.id, all);
  }
  return result;
}

/** Step id → the ids of the steps that depend on it directly. */
export function dependentsOf(steps: readonly ExecutableStep[]): Map<string, string[]> {
  const result = new Map<string, string[]>(steps.map((s) => [s.id, []]));
  for (const step of steps) for (const dep of step.dependsOn) result.get(dep)?.push(step.id);
  return result;
}

/** The logical ids referenced (`{ref}`) anywhere in a step input. */
export function refsIn(value: unknown): string[] {
  const found: string[] = [];
  const walk = (v: unknown): void => {
    if (isRef(v)) found.push(v.ref);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === "object" && v !== null) Object.values(v).forEach(walk);
  };
  walk(value);
  return found;
}
