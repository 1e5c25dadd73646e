import { actionRank, type WatchAction, type WatchDecision } from "../model/failover-policy.js";
import { initialPolicyState, type Incident, type PolicyState } from "./policy-state.js";

/**
 * Rebuilds what must survive a restart from the recorded decisions (oldest first): the open
 * incident, so it is not acted on a second time, and the last action, so the cooldown holds.
 * Streaks are not restored: after a restart the policy needs fresh evidence before acting, and
 * an open incident needs fresh OKs before it clears.
 */
export function restorePolicyState(
  probeIds: readonly string[],
  history: readonly WatchDecision[],
): PolicyState {
  let incident: Incident | null = null;
  let lastAction: { action: WatchAction; at: Date } | null = null;
  for (const decision of history) {
    if (decision.kind === "recovered") {
      if (incident?.id === decision.incidentId) incident = null;
      continue;
    }
    const current: Incident =
      incident?.id === decision.incidentId
        ? incident
        : {
            id: decision.incidentId,
            openedAt: decision.at,
            probes: [],
            requested: null,
            suppressed: [],
          };
    const probes = [...new Set([...current.probes, ...decision.evidence.map((r) => r.probeId)])];
    incident = { ...current, probes: probes.filter((id) => probeIds.includes(id)) };
    if (decision.kind === "suppressed" || decision.action === null) continue;
    const requested = decision.requestedAction ?? decision.action;
    if (current.requested === null || actionRank(requested) > actionRank(current.requested)) {
      incident = { ...incident, requested };
    }
    lastAction = { action: decision.action, at: decision.at };
  }
  // An incident whose probes are all gone from the config can never clear: drop it.
  if (incident !== null && incident.probes.length === 0) incident = null;
  return { ...initialPolicyState(probeIds), incident, lastAction };
}
