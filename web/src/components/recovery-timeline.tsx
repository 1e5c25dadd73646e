import type { InventoryVersion, RecoveryPoint } from "../api/types.js";
import { absoluteTime, relativeTime } from "../format/time.js";
import { useNow } from "../hooks/use-now.js";

/** When a data point was taken, whichever name the server gives the field. */
function pointTime(point: RecoveryPoint): string | undefined {
  const at = point.at ?? point.time ?? point.createdAt ?? point.capturedAt;
  return typeof at === "string" ? at : undefined;
}

const width = 760;
const pad = 90;
const lane = { config: 24, data: 60 };

/**
 * What can be restored, on one time line ending now. Two lanes: configuration (each inventory
 * version, from its capture to the last capture that still found it unchanged) and data
 * (recovery points of volumes and databases). Gaps are what a recovery would lose.
 */
export function RecoveryTimeline(props: { versions: InventoryVersion[]; points: RecoveryPoint[] }) {
  const now = useNow();
  const points = props.points.map(pointTime).filter((t): t is string => t !== undefined);
  const starts = [...props.versions.map((v) => v.capturedAt), ...points].map(Date.parse);
  if (starts.length === 0) return <p className="empty">Nothing captured yet.</p>;
  const first = Math.min(...starts);
  const span = Math.max(now - first, 60_000);
  const x = (iso: string) => pad + ((Date.parse(iso) - first) / span) * (width - pad - 16);
  const newestVersion = [...props.versions].sort((a, b) =>
    b.lastSeenAt.localeCompare(a.lastSeenAt),
  )[0];
  const newestPoint = [...points].sort().at(-1);
  return (
    <>
      <svg
        className="timeline"
        viewBox={`0 0 ${width} 100`}
        width="100%"
        data-testid="recovery-timeline"
        role="img"
        aria-label={`${props.versions.length} inventory versions, ${points.length} data recovery points`}
      >
        <text x={0} y={lane.config + 4}>
          configuration
        </text>
        <text x={0} y={lane.data + 4}>
          data
        </text>
        <line className="axis" x1={pad} x2={width - 16} y1={lane.config} y2={lane.config} />
        <line className="axis" x1={pad} x2={width - 16} y1={lane.data} y2={lane.data} />
        {props.versions.map((v) => (
          <g key={String(v.version)}>
            <title>{`v${v.version}: captured ${absoluteTime(v.capturedAt)}, last seen ${absoluteTime(v.lastSeenAt)}`}</title>
            <rect
              className="version-span"
              x={x(v.capturedAt)}
              y={lane.config - 6}
              width={Math.max(4, x(v.lastSeenAt) - x(v.capturedAt))}
              height={12}
              rx={3}
            />
          </g>
        ))}
        {points.map((t, i) => (
          <circle key={`${t}-${i}`} cx={x(t)} cy={lane.data} r={5}>
            <title>{absoluteTime(t)}</title>
          </circle>
        ))}
        <text x={pad} y={92}>
          {absoluteTime(new Date(first).toISOString())}
        </text>
        <text x={width - 16} y={92} textAnchor="end">
          now
        </text>
      </svg>
      <p className="muted small">
        Configuration: {props.versions.length} version{props.versions.length === 1 ? "" : "s"}
        {newestVersion ? `, last confirmed ${relativeTime(newestVersion.lastSeenAt, now)}` : ""}.
        Data:{" "}
        {points.length === 0
          ? "no recovery points (no volume or database protection has run)."
          : `${points.length} point${points.length === 1 ? "" : "s"}, newest ${relativeTime(newestPoint!, now)}.`}
      </p>
    </>
  );
}
