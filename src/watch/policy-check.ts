import type { FailoverPolicy, FailoverRule, Quorum } from "../model/failover-policy.js";
import { LifeboatError } from "../model/errors.js";

/** The probe ids a rule listens to, given the environment's probes. */
export function ruleProbes(rule: FailoverRule, probeIds: readonly string[]): readonly string[] {
  return rule.probes ?? probeIds;
}

/** How many independent probes must be in breach, out of `listened`. */
export function requiredQuorum(quorum: Quorum, listened: number): number {
  if (quorum === "all") return listened;
  if (quorum === "majority") return Math.floor(listened / 2) + 1;
  return quorum;
}

/**
 * Checks a policy against the environment's probes: every probe a rule names exists, and every
 * quorum can be met. A rule that can never fire is a configuration error, not a silent no-op.
 * Throws `LB_CONFIG_INVALID` naming the rule.
 */
export function checkPolicy(policy: FailoverPolicy, probeIds: readonly string[]): void {
  const problems: string[] = [];
  if (new Set(probeIds).size !== probeIds.length) problems.push("two probes have the same id");
  for (const rule of policy.rules) {
    const unknown = (rule.probes ?? []).filter((id) => !probeIds.includes(id));
    if (unknown.length > 0) {
      problems.push(`rule ${rule.name} names unknown probe(s) ${unknown.join(", ")}`);
    }
    const listened = ruleProbes(rule, probeIds).length;
    if (listened === 0) problems.push(`rule ${rule.name} has no probe to listen to`);
    else if (requiredQuorum(rule.quorum, listened) > listened) {
      problems.push(
        `rule ${rule.name} needs a quorum of ${String(rule.quorum)} but has ${listened} probe(s)`,
      );
    }
  }
  if (problems.length > 0) {
    throw new LifeboatError("LB_CONFIG_INVALID", `failover policy: ${problems.join("; ")}`, {
      details: { problems },
    });
  }
}
