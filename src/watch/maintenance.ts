import { weekdays, type MaintenanceWindow } from "../model/failover-policy.js";

interface LocalTime {
  readonly day: number; // 0 = Sunday
  readonly minute: number; // minutes since local midnight
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function localTime(at: Date, timeZone: string): LocalTime {
  let format = formatters.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  const day = weekdays.indexOf((parts.weekday ?? "").toLowerCase() as (typeof weekdays)[number]);
  return { day, minute: Number(parts.hour) * 60 + Number(parts.minute) };
}

const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

function isActive(window: MaintenanceWindow, at: Date): boolean {
  if ("start" in window) {
    return at.getTime() >= Date.parse(window.start) && at.getTime() < Date.parse(window.end);
  }
  const now = localTime(at, window.timeZone);
  const from = minutes(window.from);
  const to = minutes(window.to);
  return window.days.some((name) => {
    const day = weekdays.indexOf(name);
    if (from < to) return now.day === day && now.minute >= from && now.minute < to;
    // Wraps past midnight: starts on `day`, ends on the next day.
    return (
      (now.day === day && now.minute >= from) || (now.day === (day + 1) % 7 && now.minute < to)
    );
  });
}

/**
 * The first maintenance window containing `at`, if any. One-off windows include `start` and
 * exclude `end`; weekly windows are read in their own time zone (so they follow daylight saving).
 */
export function activeMaintenanceWindow(
  windows: readonly MaintenanceWindow[],
  at: Date,
): MaintenanceWindow | undefined {
  return windows.find((window) => isActive(window, at));
}

/** One line naming a window, for reasons and logs. */
export function describeWindow(window: MaintenanceWindow): string {
  const what =
    "start" in window
      ? `${window.start} to ${window.end}`
      : `${window.days.join(",")} ${window.from}-${window.to} ${window.timeZone}`;
  return window.reason === undefined ? what : `${what} (${window.reason})`;
}
