import type { EventRecord } from "../api/types.js";
import type { Tone } from "../format/state.js";
import { Badge } from "./badge.js";
import { TimeAgo } from "./time-ago.js";

const severityTone: Record<string, Tone> = {
  info: "info",
  warning: "warn",
  critical: "bad",
  error: "bad",
};

/** The environment's recent events, newest first, severity in colour and words. */
export function EventList({ events }: { events: EventRecord[] }) {
  if (events.length === 0) return <p className="empty">No events.</p>;
  return (
    <table data-testid="events">
      <tbody>
        {events.map((event) => (
          <tr key={String(event.id)}>
            <td>
              <Badge
                state={{ tone: severityTone[event.severity] ?? "idle", label: event.severity }}
              />
            </td>
            <td className="mono">{event.type}</td>
            <td>
              <TimeAgo at={event.at} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
