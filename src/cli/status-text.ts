import { durationWords, whenText } from "./relative-time.js";
import type { DecisionEventJson, StatusJson, StatusRunJson } from "./status-json.js";

/** What each environment status means, in words. */
const statusWords: Readonly<Record<string, string>> = {
  active: "the source is primary and serving",
  "failing-over": "a failover to the target is in progress",
  "failed-over": "the recovered copy in the target is serving",
  "failing-back": "a failback to the source is in progress",
  retired: "removed from the config; history is kept",
};

const where = (c: StatusJson["source"]) => `${c.connection}${c.region ? ` (${c.region})` : ""}`;

/** One line per decision: when, what, why. */
export function decisionLine(d: DecisionEventJson, now: Date): string {
  const why = d.reasons.map((r) => r.code).join(", ");
  return `${whenText(new Date(d.at), now)}  ${d.summary}${why ? `  [${why}]` : ""}`;
}

function runLine(r: StatusRunJson, now: Date): string {
  const since = r.startedAt ?? r.createdAt;
  const orphan = r.orphaned ? `  ORPHANED (no process holds it): lifeboat resume ${r.id}` : "";
  return `${r.mode} run ${r.id} ${r.phase.toUpperCase()} since ${whenText(new Date(since), now)}${orphan}`;
}

/** `lifeboat status <env>` for a human at 3 a.m.: state in words first, then the evidence. */
export function renderStatus(s: StatusJson): string {
  const now = new Date(s.now);
  const lines = [
    `${s.environment}: ${s.status.toUpperCase()} — ${statusWords[s.status] ?? s.status}`,
    `  source ${where(s.source)}, recovery target ${where(s.target)}`,
  ];
  if (s.updatedAt) lines.push(`  status recorded ${whenText(new Date(s.updatedAt), now)}`);
  else lines.push("  nothing recorded in the state store yet");
  const c = s.capture;
  lines.push(
    c
      ? `Capture: inventory v${c.version}, ${c.resources} resources, captured ${whenText(new Date(c.capturedAt), now)}; last confirmed unchanged ${durationWords(c.lastSeenAgeMs)} ago`
      : `Capture: none yet (run \`lifeboat capture ${s.environment}\`)`,
  );
  const p = s.recoveryPoint;
  const budget =
    p.budgetMs === null
      ? "no RPO budget (nothing protected)"
      : `RPO budget ${durationWords(p.budgetMs)}`;
  lines.push(
    p.newest
      ? `Recovery point: ${p.newest.kind} ${p.newest.source} from ${whenText(new Date(p.newest.at), now)}; ${budget}${p.withinBudget === false ? " — OVER BUDGET" : ""}`
      : `Recovery point: none recorded; ${budget}${p.budgetMs === null ? "" : " — OVER BUDGET"}`,
  );
  const i = s.incident;
  if (i) {
    lines.push(
      `Incident: OPEN since ${whenText(new Date(i.openedAt), now)} (${i.id})`,
      `  action taken: ${i.action ?? "none (suppressed)"}${i.requestedAction && i.requestedAction !== i.action ? `; a rule asked for ${i.requestedAction}` : ""}; ${i.decisions} decision(s)`,
      `  latest: ${decisionLine(i.latest, now)}`,
    );
    for (const reason of i.latest.reasons) lines.push(`    ${reason.code}: ${reason.detail}`);
    for (const e of i.latest.evidence.slice(-6)) {
      lines.push(`    ${e.probeId} ${e.code} at ${whenText(new Date(e.at), now)}: ${e.detail}`);
    }
  } else lines.push("Incident: none open");
  lines.push(
    s.decisions.length === 0 ? "Decisions: none recorded" : "Latest decisions (oldest first):",
  );
  for (const d of s.decisions) lines.push(`  ${decisionLine(d, now)}`);
  if (s.activeRuns.length === 0) {
    lines.push(
      s.latestRun ? `Runs: none active; latest ${runLine(s.latestRun, now)}` : "Runs: none",
    );
  } else {
    lines.push("Runs in progress:");
    for (const r of s.activeRuns) lines.push(`  ${runLine(r, now)}`);
  }
  return lines.join("\n");
}
