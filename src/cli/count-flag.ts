import { LifeboatError } from "../model/errors.js";

/** A whole number of at least `min` from a flag's text; anything else is `LB_USAGE` (exit 2). */
export function countFlag(flag: string, text: string, min = 1): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isInteger(n) || n < min) {
    throw new LifeboatError(
      "LB_USAGE",
      `${flag} takes a whole number of at least ${min}, not "${text}"`,
    );
  }
  return n;
}
