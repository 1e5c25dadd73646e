import type { TransferCounters } from "../repository/archiver/backup-progress.js";
import type { CliIo } from "./output.js";

/** One NDJSON progress event (stderr, with --json; docs/backup-restore.md, "Progress"). */
export interface ProgressEvent {
  readonly type: "progress";
  readonly phase: string;
  readonly bytesDone: number;
  readonly bytesTotal: number | null;
  readonly filesDone: number;
  readonly bytesTransferred: number;
  readonly bytesPerSecond: number;
  readonly etaSeconds: number | null;
  readonly elapsedSeconds: number;
  /** True on the last event of the operation. */
  readonly done: boolean;
}

export interface Progress {
  /** Emits the final event (NDJSON) or clears the bar (TTY). */
  stop(): void;
}

const units = ["B", "KiB", "MiB", "GiB", "TiB"];

export function formatBytes(n: number): string {
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return "--:--";
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** Snapshot of the counters as an event; `now` in milliseconds. */
export function progressEvent(
  phase: string,
  counters: TransferCounters,
  elapsedMs: number,
  done: boolean,
): ProgressEvent {
  const elapsedSeconds = elapsedMs / 1000;
  const rate = elapsedSeconds > 0 ? counters.bytesDone / elapsedSeconds : 0;
  const left = counters.bytesTotal === null ? null : counters.bytesTotal - counters.bytesDone;
  return {
    type: "progress",
    phase,
    bytesDone: counters.bytesDone,
    bytesTotal: counters.bytesTotal,
    filesDone: counters.filesDone,
    bytesTransferred: counters.bytesTransferred,
    bytesPerSecond: Math.round(rate),
    etaSeconds: done ? 0 : left === null || rate === 0 ? null : Math.max(0, left / rate),
    elapsedSeconds,
    done,
  };
}

function barLine(event: ProgressEvent): string {
  const total = event.bytesTotal;
  const pct = total ? Math.min(100, (100 * event.bytesDone) / total) : null;
  const width = 24;
  const filled = pct === null ? 0 : Math.round((pct / 100) * width);
  const bar = pct === null ? "" : `[${"#".repeat(filled)}${" ".repeat(width - filled)}] `;
  return (
    `${event.phase} ${bar}${formatBytes(event.bytesDone)}` +
    (total === null ? "" : ` / ${formatBytes(total)} ${pct!.toFixed(0)}%`) +
    `  ${formatBytes(event.bytesPerSecond)}/s  ETA ${formatEta(event.etaSeconds)}` +
    `  ${event.filesDone} files`
  );
}

/**
 * Shows progress while an operation runs: with --json, NDJSON events on stderr (every
 * `LIFEBOAT_PROGRESS_MS`, default 1000 ms, plus a final `done` event) so stdout keeps its one
 * JSON document; on a terminal, a one-line bar (bytes, rate, ETA) redrawn on stderr; else nothing.
 */
export function startProgress(
  io: CliIo,
  json: boolean | undefined,
  phase: string,
  counters: TransferCounters,
): Progress {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  if (json) {
    const emit = (done: boolean) =>
      io.stderr(`${JSON.stringify(progressEvent(phase, counters, elapsed(), done))}\n`);
    const every = Number(process.env.LIFEBOAT_PROGRESS_MS) || 1000;
    const timer = setInterval(() => emit(false), every);
    timer.unref();
    return {
      stop: () => {
        clearInterval(timer);
        emit(true);
      },
    };
  }
  if (!io.isTty) return { stop: () => undefined };
  const draw = () =>
    io.stderr(`\r\x1b[2K${barLine(progressEvent(phase, counters, elapsed(), false))}`);
  const timer = setInterval(draw, 250);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      io.stderr("\r\x1b[2K");
    },
  };
}
