import type { EnvironmentSummary, RunSummary } from "../api/types.js";
import { drillPassed, lastDrill } from "../format/drills.js";
import { Badge } from "../components/badge.js";
import { ErrorNote } from "../components/error-note.js";
import { TimeAgo } from "../components/time-ago.js";
import { healthState, rpoState, stateOf } from "../format/state.js";
import { formatDuration } from "../format/time.js";
import { useApi } from "../hooks/use-api.js";
import { useNow } from "../hooks/use-now.js";
import { hrefs } from "../hooks/use-route.js";

/** Every environment with its health and RPO, worst first: the page to open when paged. */
export function EnvironmentsPage() {
  const { data, error } = useApi<{ environments: EnvironmentSummary[] }>(
    "/api/v1/environments",
    10_000,
  );
  const runs = useApi<{ runs: RunSummary[] }>("/api/v1/runs", 30_000).data?.runs ?? [];
  const now = useNow();
  const environments = [...(data?.environments ?? [])].sort(
    (a, b) => severity(b, now) - severity(a, now) || a.name.localeCompare(b.name),
  );

  return (
    <>
      <h1>Environments</h1>
      <ErrorNote error={error} />
      {data && environments.length === 0 ? (
        <p className="empty">No environments yet. Add one to lifeboat.yaml and run a capture.</p>
      ) : null}
      <div className="env-grid">
        {environments.map((env) => (
          <EnvironmentCard
            key={`${env.tenant}/${env.name}`}
            env={env}
            now={now}
            drill={lastDrill(runs, env.name)}
          />
        ))}
      </div>
    </>
  );
}

function EnvironmentCard(props: { env: EnvironmentSummary; now: number; drill?: RunSummary }) {
  const { env, now, drill } = props;
  const rpo = rpoState(env.newestRecoveryPointAt, env.rpoBudgetMs, now);
  return (
    <a
      className={`card env-card edge-${stateOf(healthState, env.health).tone}`}
      href={hrefs.environment(env.name)}
      data-testid={`env-${env.name}`}
    >
      <div className="env-card-head">
        <h2>{env.name}</h2>
        <Badge state={stateOf(healthState, env.health)} testId="health" />
      </div>
      <dl className="facts">
        <dt>RPO</dt>
        <dd>
          <Badge state={rpo} testId="rpo" />
          <div className="muted small">
            {rpo.ageMs === null ? "" : `newest point ${formatDuration(rpo.ageMs)} old`}
            {env.rpoBudgetMs ? ` · budget ${formatDuration(env.rpoBudgetMs)}` : ""}
          </div>
        </dd>
        <dt>Last capture</dt>
        <dd>
          <TimeAgo at={env.lastCaptureAt} />
        </dd>
        <dt>Newest recovery point</dt>
        <dd>
          <TimeAgo at={env.newestRecoveryPointAt} empty="none" />
        </dd>
        <dt>Last drill</dt>
        <dd data-testid="last-drill">
          {drill ? (
            <>
              <Badge
                state={
                  drillPassed(drill)
                    ? { tone: "ok", label: "Passed" }
                    : { tone: "bad", label: "Failed" }
                }
              />{" "}
              <TimeAgo at={drill.finishedAt} />
              <div className="muted small">
                RTO {formatDuration(drill.rtoMs)} · RPO {formatDuration(drill.rpoMs)}
              </div>
            </>
          ) : (
            <span className="muted">never drilled</span>
          )}
        </dd>
        <dt>Status</dt>
        <dd>{env.status}</dd>
      </dl>
    </a>
  );
}

const healthRank = { down: 3, degraded: 2, unknown: 1, ok: 0 } as const;
function severity(env: EnvironmentSummary, now: number): number {
  const rpo = rpoState(env.newestRecoveryPointAt, env.rpoBudgetMs, now);
  return (
    (healthRank[env.health] ?? 1) * 10 + (rpo.tone === "bad" ? 2 : rpo.tone === "warn" ? 1 : 0)
  );
}
