import type { Inventory } from "../model/inventory/index.js";
import type { Mapping } from "../model/mapping.js";
import { plannedResources } from "./preflight.js";
import { resolveTarget } from "./resolve-target.js";
import type { TargetFacts } from "./target-facts.js";

/** What one candidate's provider said: its facts, or why it did not answer. */
export type TargetAnswer =
  | { readonly ok: true; readonly facts: TargetFacts }
  | { readonly ok: false; readonly error: string };

/** What the recovered resources need of a target: the planner's own inputs. */
export interface TargetNeeds {
  /** The inventory version the plan rebuilds (`--at`, `--version`; default the latest). */
  readonly inventory: Inventory;
  /** The plan's selection (`--only`, deploy flags); absent selects everything. */
  readonly selection?: unknown;
  /** The mapping (zones, `instanceTypes` substitutes); its `target` is ignored. */
  readonly mapping: Mapping;
}

/** One candidate as judged: chosen, or skipped with the reasons. */
export interface TargetVerdict {
  readonly connection: string;
  readonly chosen: boolean;
  readonly reasons: readonly string[];
}

/** The outcome of {@link selectTarget}; `chosen` is undefined when no candidate qualifies. */
export interface TargetSelection {
  readonly chosen?: string;
  readonly considered: readonly TargetVerdict[];
}

/** Problems that say the target lacks capacity (zones, instance types), not a mapping detail. */
const capacityProblems = new Set(["zone-unmapped", "zone-unknown", "instance-type-unavailable"]);

/**
 * The documented rule (docs/recovery.md, "Target selection"): walk `candidates` in preference
 * order and choose the first whose provider answered and which offers, in the mapped target
 * zones, every instance type the selected machines and launch templates need (a type or one of
 * its `mapping.instanceTypes` substitutes), decided by the same resource selection
 * ({@link plannedResources}) and resolution the pre-flight uses.
 * Candidates after the chosen one are not judged. Pure.
 */
export function selectTarget(
  candidates: readonly string[],
  factsByTarget: ReadonlyMap<string, TargetAnswer>,
  needs: TargetNeeds,
): TargetSelection {
  const considered: TargetVerdict[] = [];
  const { resources } = plannedResources(needs.inventory, needs.selection);
  for (const connection of candidates) {
    const answer = factsByTarget.get(connection);
    const reasons =
      answer === undefined
        ? ["not asked"]
        : !answer.ok
          ? [`provider did not answer: ${answer.error}`]
          : resolveTarget(needs.inventory, resources, needs.mapping, answer.facts)
              .problems.filter((p) => capacityProblems.has(p.code))
              .map((p) => p.message);
    const chosen = reasons.length === 0;
    considered.push({ connection, chosen, reasons });
    if (chosen) return { chosen: connection, considered };
  }
  return { considered };
}
