import { asLifeboatError, exitCodeFor, toErrorJson } from "../model/errors.js";

/** Where a command writes; injectable so end-to-end tests and the API can capture it. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** True when stdout is a terminal: progress bars and colour are allowed. */
  readonly isTty: boolean;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTty: Boolean(process.stdout.isTTY),
};

/** Options every command accepts. */
export interface GlobalOptions {
  readonly json?: boolean;
  readonly config?: string;
}

/** Prints a command's result: JSON (one document, stable shape) or the human rendering. */
export function printResult<T>(
  io: CliIo,
  json: boolean | undefined,
  value: T,
  human: (value: T) => string,
): void {
  if (json) io.stdout(`${JSON.stringify(value, null, 2)}\n`);
  else {
    const text = human(value);
    if (text) io.stdout(text.endsWith("\n") ? text : `${text}\n`);
  }
}

/**
 * Prints an error as `error LB_X: message` plus its remedy on stderr, or as `{"error": {...}}`
 * on stdout with --json, and returns the exit code for it.
 */
export function printError(io: CliIo, json: boolean | undefined, error: unknown): number {
  const e = asLifeboatError(error);
  if (json) {
    io.stdout(`${JSON.stringify({ error: toErrorJson(e) }, null, 2)}\n`);
  } else {
    io.stderr(`error ${e.code}: ${e.message}\n`);
    io.stderr(`  remedy: ${e.remedy}\n`);
    if (e.code === "LB_INTERNAL" && e.cause instanceof Error && e.cause.stack) {
      io.stderr(`${e.cause.stack}\n`);
    }
  }
  return exitCodeFor(e);
}
