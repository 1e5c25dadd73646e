import { absoluteTime, relativeTime } from "../format/time.js";
import { useNow } from "../hooks/use-now.js";

/** "4 min ago" with the exact UTC time beside it (not only in a tooltip: 3 a.m. readers skim). */
export function TimeAgo({
  at,
  empty = "never",
}: {
  at: string | null | undefined;
  empty?: string;
}) {
  const now = useNow();
  if (!at) return <span className="muted">{empty}</span>;
  return (
    <span className="time">
      <time dateTime={at}>{relativeTime(at, now)}</time>
      <span className="time-abs">{absoluteTime(at)}</span>
    </span>
  );
}
