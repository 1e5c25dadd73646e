/** Structured fields of a log line: ids, codes, counts. Never secrets. */
export type LogFields = Readonly<Record<string, unknown>>;

export type LogLevel = "debug" | "info" | "warn" | "error";

/**
 * Structured logging. `event` is a stable dotted name (`watch.probe.status`) that scripts match
 * on; `fields` carry the data. Implementations must not throw: logging never breaks an engine.
 */
export interface Logger {
  log(level: LogLevel, event: string, fields?: LogFields): void;
}

/** Discards everything. */
export const silentLogger: Logger = { log: () => undefined };

/**
 * Writes one JSON object per line (`{"at","level","event",...fields}`) through `write`, which
 * the caller binds to stderr or a file. `now` supplies the timestamp (inject a clock in tests).
 */
export function jsonLinesLogger(
  write: (line: string) => void,
  now: () => Date = () => new Date(),
): Logger {
  return {
    log(level, event, fields = {}) {
      try {
        write(`${JSON.stringify({ at: now().toISOString(), level, event, ...fields })}\n`);
      } catch {
        // A log line that cannot be serialised or written is dropped rather than crashing.
      }
    },
  };
}

/** One captured log line. */
export interface LogRecord {
  readonly level: LogLevel;
  readonly event: string;
  readonly fields: LogFields;
}

/** Keeps log lines in memory, for tests that assert on what was logged. */
export class RecordingLogger implements Logger {
  readonly records: LogRecord[] = [];

  log(level: LogLevel, event: string, fields: LogFields = {}): void {
    this.records.push({ level, event, fields });
  }

  events(): string[] {
    return this.records.map((r) => r.event);
  }
}
