import type { RunSummary } from "../api/types.js";
import { runState } from "../format/state.js";
import { formatDuration } from "../format/time.js";
import { hrefs } from "../hooks/use-route.js";
import { Badge } from "./badge.js";
import { TimeAgo } from "./time-ago.js";

/** Runs newest first with the two numbers a drill exists to measure: RTO and RPO. */
export function RunsTable({ runs }: { runs: RunSummary[] }) {
  // A teardown run shows on its recovery run's page; here it would read as a second drill.
  const sorted = runs
    .filter((run) => run.mode !== "teardown")
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  if (sorted.length === 0) {
    return <p className="empty">No runs yet. Preview a plan and start a drill.</p>;
  }
  return (
    <table data-testid="runs">
      <thead>
        <tr>
          <th>Run</th>
          <th>Mode</th>
          <th>State</th>
          <th>Started</th>
          <th className="num">RTO (measured)</th>
          <th className="num">RPO (achieved)</th>
        </tr>
      </thead>
      <tbody>
        {sorted.map((run) => (
          <tr key={run.id}>
            <td>
              <a className="mono" href={hrefs.run(run.id)}>
                {run.id.slice(0, 8)}
              </a>
            </td>
            <td>{run.mode}</td>
            <td>
              <Badge state={runState(run)} />
            </td>
            <td>
              <TimeAgo at={run.startedAt ?? run.createdAt} />
            </td>
            <td className="num">{formatDuration(run.rtoMs)}</td>
            <td className="num">{formatDuration(run.rpoMs)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
