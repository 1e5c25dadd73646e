import type { ProbeSummary } from "../api/types.js";
import type { Tone } from "../format/state.js";
import { Badge } from "./badge.js";
import { TimeAgo } from "./time-ago.js";

const tone: Record<string, Tone> = { info: "ok", warning: "warn", critical: "bad" };

/** The probes the newest watch decision looked at: status code, latency and detail. */
export function ProbeList({ probes }: { probes: ProbeSummary[] }) {
  if (probes.length === 0)
    return (
      <p className="empty">
        No probe results yet (the watch in <code>lifeboat serve</code> records them).
      </p>
    );
  return (
    <table data-testid="probes">
      <tbody>
        {probes.map((probe) => (
          <tr key={probe.probeId}>
            <td>
              <Badge state={{ tone: tone[probe.severity] ?? "idle", label: probe.code }} />
            </td>
            <td>
              <div className="mono">{probe.probeId}</div>
              <div className="muted small">{probe.detail}</div>
            </td>
            <td className="num">{probe.latencyMs === null ? "" : `${probe.latencyMs} ms`}</td>
            <td>
              <TimeAgo at={probe.at} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
