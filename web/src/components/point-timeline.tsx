import type { RecoveryPoint } from "../api/types.js";
import { absoluteTime, relativeTime } from "../format/time.js";
import { useNow } from "../hooks/use-now.js";

/** When a point was taken, whichever name the server gives the field. */
export function pointTime(point: RecoveryPoint): string | undefined {
  const at = point.at ?? point.time ?? point.createdAt ?? point.capturedAt;
  return typeof at === "string" ? at : undefined;
}

const width = 760;
const height = 70;
const pad = 24;

/**
 * Recovery points on a time line ending now: gaps are the data at risk, visible at a glance.
 */
export function PointTimeline({ points }: { points: RecoveryPoint[] }) {
  const now = useNow();
  const times = points
    .map(pointTime)
    .filter((t): t is string => t !== undefined)
    .sort();
  if (times.length === 0) return <p className="empty">No recovery points yet.</p>;
  const first = Date.parse(times[0]!);
  const span = Math.max(now - first, 60_000);
  const x = (iso: string) => pad + ((Date.parse(iso) - first) / span) * (width - pad * 2);
  const newest = times[times.length - 1]!;
  return (
    <>
      <svg
        className="timeline"
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        height={height}
        data-testid="point-timeline"
        role="img"
        aria-label={`${times.length} recovery points`}
      >
        <line className="axis" x1={pad} x2={width - pad} y1={30} y2={30} />
        {times.map((t, i) => (
          <circle key={`${t}-${i}`} cx={x(t)} cy={30} r={5}>
            <title>{absoluteTime(t)}</title>
          </circle>
        ))}
        <text x={pad} y={58}>
          {absoluteTime(times[0]!)}
        </text>
        <text x={width - pad} y={58} textAnchor="end">
          now
        </text>
      </svg>
      <p className="muted">
        {times.length} point{times.length === 1 ? "" : "s"}; newest {relativeTime(newest, now)} (
        {absoluteTime(newest)})
      </p>
    </>
  );
}
