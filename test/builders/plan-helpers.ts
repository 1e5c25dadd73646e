import type { Plan, Step } from "../../src/model/plan/index.js";
import { parseMappingOrThrow, type MappingInput } from "../../src/model/mapping.js";
import { shopInventory, westFacts } from "./shop-inventory.js";
import { planRecovery, type PlanOutcome, type PlanRequest } from "../../src/plan/plan-recovery.js";

/** Plans the shop (or `inventory`) into us-west-2 with a mapping that works unless overridden. */
export function planShop(
  options: Partial<Omit<PlanRequest, "mapping">> & { mapping?: Partial<MappingInput> } = {},
): PlanOutcome {
  return planRecovery({
    environment: "shop",
    inventory: options.inventory ?? shopInventory().build(),
    mode: options.mode ?? "failover",
    facts: options.facts ?? westFacts(),
    selection: options.selection,
    ...(options.isolateEgress === undefined ? {} : { isolateEgress: options.isolateEgress }),
    ...(options.volumeData === undefined ? {} : { volumeData: options.volumeData }),
    ...(options.failover === undefined ? {} : { failover: options.failover }),
    ...(options.workflows === undefined ? {} : { workflows: options.workflows }),
    mapping: parseMappingOrThrow({ target: "west", nameSuffix: "-dr", ...options.mapping }),
  });
}

export function planOf(outcome: PlanOutcome): Plan {
  if (!outcome.ok) throw new Error(`expected a plan, got ${JSON.stringify(outcome.problems)}`);
  return outcome.plan;
}

export function stepOf(plan: Plan, id: string): Step {
  const step = plan.steps.find((s) => s.id === id);
  if (!step) throw new Error(`no step ${id} in ${plan.steps.map((s) => s.id).join(", ")}`);
  return step;
}

/** Whether `later` waits, directly or through others, for `earlier`. */
export function waitsFor(plan: Plan, later: string, earlier: string): boolean {
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const seen = new Set<string>();
  const stack = [...(byId.get(later)?.dependsOn ?? [])];
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    if (id === earlier) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(byId.get(id)?.dependsOn ?? []));
  }
  return false;
}
