import { useState } from "react";
import { enc } from "../api/client.js";
import type {
  EnvironmentDetail,
  EventRecord,
  Graph,
  InventoryVersion,
  RecoveryPoint,
  RunSummary,
  WhoAmI,
} from "../api/types.js";
import { Badge } from "../components/badge.js";
import { ErrorNote } from "../components/error-note.js";
import { EventList } from "../components/event-list.js";
import { InventoryHistory } from "../components/inventory-history.js";
import { RecoveryTimeline } from "../components/recovery-timeline.js";
import { ProbeList } from "../components/probe-list.js";
import { ResourceGraph } from "../components/resource-graph.js";
import { RunsTable } from "../components/runs-table.js";
import { Section } from "../components/section.js";
import { StartRun } from "../components/start-run.js";
import { TimeAgo } from "../components/time-ago.js";
import { atLeast } from "../format/roles.js";
import { healthState, rpoState, stateOf } from "../format/state.js";
import { formatDuration } from "../format/time.js";
import { useApi } from "../hooks/use-api.js";
import { useNow } from "../hooks/use-now.js";
import { hrefs } from "../hooks/use-route.js";

/** One environment: state, what it is made of, how it changed, what can be restored, and runs. */
export function EnvironmentPage({ name, who }: { name: string; who: WhoAmI }) {
  const base = `/api/v1/environments/${enc(name)}`;
  const detail = useApi<EnvironmentDetail>(base, 10_000);
  const versions = useApi<{ versions: InventoryVersion[] }>(`${base}/versions`, 30_000);
  const points = useApi<{ points: RecoveryPoint[] }>(`${base}/points`, 30_000);
  const runs = useApi<{ runs: RunSummary[] }>(`/api/v1/runs?environment=${enc(name)}`, 5_000);
  const events = useApi<{ events: EventRecord[] }>(`${base}/events?limit=20`, 10_000);
  const [chosen, setChosen] = useState<number>();
  const newest = versions.data?.versions.map((v) => Number(v.version)).sort((a, b) => b - a)[0];
  const selected = chosen ?? newest;
  const graph = useApi<Graph>(selected === undefined ? null : `${base}/graph?version=${selected}`);
  const now = useNow();
  const env = detail.data;

  return (
    <>
      <div className="crumbs">
        <a href={hrefs.environments()}>Environments</a> /
      </div>
      <div className="title-row">
        <h1>{name}</h1>
        {env ? <Badge state={stateOf(healthState, env.health)} testId="health" /> : null}
        {env ? (
          <Badge state={rpoState(env.newestRecoveryPointAt, env.rpoBudgetMs, now)} testId="rpo" />
        ) : null}
        {env ? (
          <span className="muted">
            last capture <TimeAgo at={env.lastCaptureAt} />
            {env.rpoBudgetMs ? ` · RPO budget ${formatDuration(env.rpoBudgetMs)}` : ""}
          </span>
        ) : null}
      </div>
      <ErrorNote error={detail.error} />
      {env?.incident ? (
        <div className="error-note" role="alert" data-testid="incident">
          <strong>Open incident</strong> since <TimeAgo at={env.incident.openedAt || null} />{" "}
          <span className="code">{env.incident.id}</span>
        </div>
      ) : null}

      <Section title="Recover">
        <StartRun env={name} canStart={atLeast(who.role, "operator")} />
      </Section>

      <Section title="Drills and runs">
        <ErrorNote error={runs.error} />
        {runs.data ? <RunsTable runs={runs.data.runs} /> : null}
      </Section>

      <Section
        title="Resources"
        aside={
          graph.data ? (
            <span className="muted">
              v{graph.data.version} · {graph.data.nodes.length} resources ·{" "}
              {graph.data.edges.length} dependencies
            </span>
          ) : null
        }
      >
        <ErrorNote error={graph.error} />
        {graph.data ? <ResourceGraph graph={graph.data} /> : <div style={{ height: 120 }} />}
      </Section>

      <div className="grid-2">
        <Section title="Inventory history">
          <ErrorNote error={versions.error} />
          {versions.data ? (
            <InventoryHistory
              env={name}
              versions={versions.data.versions}
              selected={selected}
              onSelect={setChosen}
            />
          ) : null}
        </Section>
        <div>
          <Section title="Recovery points">
            <ErrorNote error={points.error} />
            {points.data && versions.data ? (
              <RecoveryTimeline versions={versions.data.versions} points={points.data.points} />
            ) : null}
          </Section>
          <Section title="Health probes">{env ? <ProbeList probes={env.probes} /> : null}</Section>
          <Section title="Recent events">
            <ErrorNote error={events.error} />
            {events.data ? <EventList events={events.data.events} /> : null}
          </Section>
        </div>
      </div>
    </>
  );
}
