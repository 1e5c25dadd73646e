import { LifeboatError } from "../model/errors.js";
import type { TargetFactsSource } from "../model/plan/target-facts.js";
import {
  selectTarget,
  targetFactsRequest,
  type TargetAnswer,
  type TargetNeeds,
  type TargetSelection,
} from "../plan/index.js";

/**
 * Applies the target-selection rule (docs/recovery.md, "Target selection") to `candidates`:
 * asks each candidate's provider, in order, for its facts (read-only) until one qualifies for
 * `needs` — the inventory version the plan rebuilds and the resources its selection brings up.
 * None qualifies → `LB_PLAN_NO_TARGET` (exit 2) with each candidate and its reasons in
 * `details.considered`. Nothing is created anywhere.
 */
export async function chooseTarget(
  environment: string,
  candidates: readonly string[],
  factsOf: (connection: string) => TargetFactsSource,
  needs: TargetNeeds,
  signal?: AbortSignal,
): Promise<TargetSelection & { readonly chosen: string }> {
  const { inventory, mapping } = needs;
  const answers = new Map<string, TargetAnswer>();
  let selection: TargetSelection = { considered: [] };
  for (const connection of candidates) {
    try {
      const facts = await factsOf(connection).gather(
        targetFactsRequest(inventory, mapping),
        signal,
      );
      answers.set(connection, { ok: true, facts });
    } catch (e) {
      if (signal?.aborted) throw e;
      answers.set(connection, { ok: false, error: e instanceof Error ? e.message : String(e) });
    }
    // Ask lazily: a later target's provider is not called once an earlier one qualifies.
    selection = selectTarget([...answers.keys()], answers, needs);
    if (selection.chosen !== undefined) return { ...selection, chosen: selection.chosen };
  }
  const why = selection.considered
    .map((v) => `${v.connection}: ${v.reasons.join("; ")}`)
    .join(" | ");
  throw new LifeboatError(
    "LB_PLAN_NO_TARGET",
    `no target of ${environment} qualifies (${candidates.join(", ")}): ${why}`,
    { details: { environment, considered: selection.considered } },
  );
}
