import { actionRank, type WatchAction } from "../model/failover-policy.js";
import type { RecordedDecision } from "./store-decision-sink.js";

/** The incident a watcher has open, as `lifeboat status` reports it. */
export interface OpenIncident {
  readonly id: string;
  readonly openedAt: Date;
  /** The strongest action taken in it (null when every action was suppressed). */
  readonly action: WatchAction | null;
  /** The strongest action a rule asked for (before the recovery-point guard). */
  readonly requestedAction: WatchAction | null;
  /** Decisions recorded for it. */
  readonly decisions: number;
  /** The newest of them: its rule, reasons and evidence say why the incident is open. */
  readonly latest: RecordedDecision;
}

const stronger = (a: WatchAction | null, b: WatchAction | null): WatchAction | null =>
  a === null ? b : b === null ? a : actionRank(b) > actionRank(a) ? b : a;

/**
 * The open incident among recorded decisions (oldest first): the incident of the newest
 * decision, unless a `recovered` decision closed it. Same reading as the watcher's restart
 * (src/watch/restore-state.ts), so status and watcher agree on what is open.
 */
export function openIncident(history: readonly RecordedDecision[]): OpenIncident | null {
  let open = null as OpenIncident | null;
  for (const recorded of history) {
    const { decision } = recorded;
    if (decision.kind === "recovered") {
      if (open?.id === decision.incidentId) open = null;
      continue;
    }
    const same: OpenIncident | null = open?.id === decision.incidentId ? open : null;
    const taken = decision.kind === "action" ? decision.action : null;
    open = {
      id: decision.incidentId,
      openedAt: same?.openedAt ?? decision.at,
      action: stronger(same?.action ?? null, taken),
      requestedAction: stronger(same?.requestedAction ?? null, decision.requestedAction),
      decisions: (same?.decisions ?? 0) + 1,
      latest: recorded,
    };
  }
  return open;
}
