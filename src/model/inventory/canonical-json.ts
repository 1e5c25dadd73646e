import { createHash } from "node:crypto";
import { BugError } from "../errors.js";

/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, `undefined` object members
 * dropped. Two equal values always give the same bytes, so a digest of it identifies content.
 * Anything that is not plain JSON (NaN, a Date, a function, `undefined` in an array) is a bug
 * in the caller and throws {@link BugError} rather than being coerced silently.
 */
export function canonicalJson(value: unknown): string {
  return write(value, "$");
}

function write(value: unknown, path: string): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) throw new BugError(`canonicalJson: ${path} is not finite`);
      return JSON.stringify(value);
    case "object": {
      if (Array.isArray(value)) {
        return `[${value.map((item, i) => write(item, `${path}[${i}]`)).join(",")}]`;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) {
        throw new BugError(`canonicalJson: ${path} is not a plain object`);
      }
      const record = value as Record<string, unknown>;
      const members = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort()
        .map((key) => `${JSON.stringify(key)}:${write(record[key], `${path}.${key}`)}`);
      return `{${members.join(",")}}`;
    }
    default:
      throw new BugError(`canonicalJson: ${path} is ${typeof value}, not JSON`);
  }
}

/** `sha256:<hex>` of the canonical JSON of `value`. */
export function digestOf(value: unknown): string {
  return `sha256:${createHash("sha256").update(canonicalJson(value)).digest("hex")}`;
}

/** Compares two values by their canonical JSON, for sorting sets into a stable order. */
export function compareCanonical(a: unknown, b: unknown): number {
  const x = canonicalJson(a);
  const y = canonicalJson(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
