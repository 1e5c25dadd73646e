import { z } from "zod";

/** Durations in config and policies: `250ms`, `30s`, `5m`, `1h30m`, `2d`. */
const durationPattern = /^(?:\d+(?:ms|s|m|h|d))+$/;
const unitMs: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** Parses a duration like `30s`, `5m`, `1h30m` or `250ms` into milliseconds; undefined if not one. */
export function parseDuration(text: string): number | undefined {
  if (!durationPattern.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)(ms|s|m|h|d)/g)) {
    total += Number(amount) * (unitMs[unit ?? ""] ?? Number.NaN);
  }
  return Number.isFinite(total) ? total : undefined;
}

/** A positive duration string such as `30s`, `5m` or `1h`; messages quote the value via `quote`. */
export function durationSchemaWith(quote: (value: unknown) => string) {
  return z.string().refine((text) => (parseDuration(text) ?? 0) > 0, {
    error: (issue) => `${quote(issue.input)} is not a duration (use e.g. 30s, 5m, 1h)`,
  });
}
