import { useCallback, useState, type ReactNode } from "react";
import { ApiError, enc, post } from "../api/client.js";
import type { RunDetail, RunReport, RunStep, WhoAmI } from "../api/types.js";
import { canTearDown, executionOrder, runIsLive } from "../format/run-life.js";
import { ApprovalCard } from "../components/approval-card.js";
import { Badge } from "../components/badge.js";
import { ErrorNote } from "../components/error-note.js";
import { RunProgress } from "../components/run-progress.js";
import { Section } from "../components/section.js";
import { StepTable } from "../components/step-table.js";
import { TimeAgo } from "../components/time-ago.js";
import { atLeast } from "../format/roles.js";
import { runState, stateOf, teardownPhaseState } from "../format/state.js";
import { formatDuration } from "../format/time.js";
import { useApi } from "../hooks/use-api.js";
import { useNow } from "../hooks/use-now.js";
import { hrefs } from "../hooks/use-route.js";
import { useRunEvents } from "../hooks/use-run-events.js";

/** One run, live: steps update as the event stream reports them; actions match the run's phase. */
export function RunPage({ id, who }: { id: string; who: WhoAmI }) {
  // Live while something is still to happen (runIsLive); an action reloads at once and the
  // new phase makes the page live again.
  const [live, setLive] = useState(true);
  const { data, error, reload } = useApi<RunDetail>(
    `/api/v1/runs/${enc(id)}`,
    live ? 2000 : 15_000,
  );
  if (data && runIsLive(data) !== live) setLive(!live);
  const onEvent = useCallback(() => reload(), [reload]);
  const streaming = useRunEvents(id, live, onEvent);
  const now = useNow(1000);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<ApiError>();

  async function act(path: string, body: unknown = {}) {
    setBusy(true);
    setActionError(undefined);
    try {
      await post(`/api/v1/runs/${enc(id)}/${path}`, body);
      reload();
    } catch (cause) {
      setActionError(
        cause instanceof ApiError ? cause : new ApiError(0, "LB_UI_ERROR", String(cause)),
      );
    } finally {
      setBusy(false);
    }
  }

  if (!data) return <ErrorNote error={error} />;
  const { run, steps } = data;
  const operator = atLeast(who.role, "operator");
  const waiting = steps.filter((s: RunStep) => s.waitingForApproval);
  return (
    <>
      <div className="crumbs">
        <a href={hrefs.environments()}>Environments</a> /{" "}
        <a href={hrefs.environment(run.environment)}>{run.environment}</a> /
      </div>
      <div className="title-row">
        <h1>
          {run.mode === "drill" ? "Drill" : run.mode === "failover" ? "Failover" : run.mode}{" "}
          <span className="mono muted">{run.id.slice(0, 8)}</span>
        </h1>
        <Badge state={runState(run)} testId="run-phase" />
        {data.report?.teardown ? (
          <Badge
            state={stateOf(teardownPhaseState, data.report.teardown.phase)}
            testId="teardown-phase"
          />
        ) : null}
        <span className="muted">{live ? (streaming ? "live" : "updating every 2 s") : ""}</span>
      </div>
      <ErrorNote error={error} />
      <ErrorNote error={actionError} />

      <ApprovalCard
        steps={waiting}
        canApprove={atLeast(who.role, "approver")}
        busy={busy}
        onDecide={(step, decision, comment) =>
          void act("approve", { step, decision, ...(comment ? { comment } : {}) })
        }
      />

      <Section
        title="Progress"
        aside={
          <div className="actions">
            {operator && (run.phase === "running" || run.phase === "pending") ? (
              <button
                type="button"
                className="danger"
                disabled={busy}
                onClick={() => void act("cancel")}
              >
                Cancel run
              </button>
            ) : null}
            {operator && (run.phase === "failed" || run.phase === "cancelled") ? (
              <button type="button" disabled={busy} onClick={() => void act("resume")}>
                Resume
              </button>
            ) : null}
            {operator && canTearDown(data) ? (
              <button
                type="button"
                className="danger"
                disabled={busy}
                onClick={() => void act("teardown")}
              >
                Tear down
              </button>
            ) : null}
          </div>
        }
      >
        <div className="stat-row">
          <Stat label="Started" value={<TimeAgo at={run.startedAt} empty="not yet" />} />
          <Stat label="Finished" value={<TimeAgo at={run.finishedAt} empty="not yet" />} />
          <Stat
            label="RTO (measured)"
            value={formatDuration(
              run.rtoMs ??
                (run.startedAt && !run.finishedAt ? now - Date.parse(run.startedAt) : null),
            )}
          />
          <Stat label="RPO (achieved)" value={formatDuration(run.rpoMs)} />
          <Stat label="Verification" value={verification(data.report)} testId="verification" />
        </div>
        <RunProgress steps={steps} />
        <ReportLine report={data.report} parentRunId={run.parentRunId ?? null} />
      </Section>

      <Section title={`Steps (${steps.length})`}>
        <StepTable steps={executionOrder(steps)} now={now} />
      </Section>
    </>
  );
}

function verification(report: RunReport | null): string {
  const result = report?.verification;
  if (!result) return "—";
  return result.result === "equivalent"
    ? `${result.checked} checked, equal`
    : `${result.differences.length} differences`;
}

/** Where the rebuilt state came from, and the run that tore it down (or the one it undoes). */
function ReportLine({
  report,
  parentRunId,
}: {
  report: RunReport | null;
  parentRunId: string | null;
}) {
  const point = report?.recoveryPoint;
  const teardown = report?.teardown;
  return (
    <p className="muted small" data-testid="report-line">
      {point ? (
        <>
          Rebuilt inventory v{point.version} captured <TimeAgo at={point.capturedAt} />.{" "}
        </>
      ) : null}
      {teardown ? (
        <>
          Teardown <a href={hrefs.run(teardown.runId)}>{teardown.runId.slice(0, 8)}</a>:{" "}
          {stateOf(teardownPhaseState, teardown.phase).label}, {teardown.deleted} deleted.
        </>
      ) : null}
      {parentRunId ? (
        <>
          Tears down run <a href={hrefs.run(parentRunId)}>{parentRunId.slice(0, 8)}</a>.
        </>
      ) : null}
    </p>
  );
}

function Stat({ label, value, testId }: { label: string; value: ReactNode; testId?: string }) {
  return (
    <div className="stat" data-testid={testId}>
      <div className="label">{label}</div>
      <div className="value">{value}</div>
    </div>
  );
}
