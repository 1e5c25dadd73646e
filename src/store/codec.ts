import { z } from "zod";
import { BugError, LifeboatError } from "../model/errors.js";

/*
 * The one place where values cross between TypeScript and SQL columns: timestamps are epoch
 * milliseconds (integers) in the database and `Date` in records; JSON is text in the database
 * and a zod-validated value in records. A row that fails validation was written by something
 * else (or corrupted): `LB_STORE_CORRUPT`, naming the table, column and key.
 */

/** Any value that survives `JSON.stringify` then `JSON.parse` unchanged. */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export const jsonValueSchema: z.ZodType<JsonValue> = z.json();
export const jsonObjectSchema = z.record(z.string(), jsonValueSchema);
export type JsonObject = z.infer<typeof jsonObjectSchema>;

/** Where a stored value came from, for error messages. */
export interface ColumnRef {
  readonly table: string;
  readonly column: string;
  readonly key: string;
}

export function encodeTime(date: Date): number {
  const ms = date.getTime();
  if (!Number.isSafeInteger(ms)) throw new BugError(`invalid timestamp ${String(date)}`);
  return ms;
}

export function encodeOptionalTime(date: Date | null | undefined): number | null {
  return date == null ? null : encodeTime(date);
}

export function decodeTime(value: unknown, where: ColumnRef): Date {
  const ms = decodeInteger(value, where);
  return new Date(ms);
}

export function decodeOptionalTime(value: unknown, where: ColumnRef): Date | null {
  return value == null ? null : decodeTime(value, where);
}

/** Integers arrive as numbers (better-sqlite3, and pg with our int8 parser); anything else is corrupt. */
export function decodeInteger(value: unknown, where: ColumnRef): number {
  if (typeof value === "number" && Number.isSafeInteger(value)) return value;
  throw corrupt(where, `expected an integer, found ${typeof value}`);
}

/** Serialises a JSON value; refuses what would not round-trip (undefined, NaN, Date...). */
export function encodeJson(value: unknown, schema?: z.ZodType): string {
  const issues = [
    ...(jsonValueSchema.safeParse(value).error?.issues ?? []),
    ...(schema?.safeParse(value).error?.issues ?? []),
  ];
  if (issues.length > 0) {
    throw new LifeboatError("LB_INVALID_INPUT", "value cannot be stored as JSON", {
      details: { issues: issues.map((i) => `${i.path.join(".")} ${i.message}`) },
    });
  }
  return JSON.stringify(value);
}

export function encodeOptionalJson(value: unknown, schema?: z.ZodType): string | null {
  return value === null || value === undefined ? null : encodeJson(value, schema);
}

/**
 * One field of an update's patch: `undefined` leaves the column as it is (Kysely leaves an
 * undefined value out of `set`), anything else — `null` included — is encoded.
 */
export function patched<T, R>(value: T | undefined, encode: (value: T) => R): R | undefined {
  return value === undefined ? undefined : encode(value);
}

export function decodeJson<T>(text: unknown, schema: z.ZodType<T>, where: ColumnRef): T {
  if (typeof text !== "string") throw corrupt(where, "expected JSON text");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw corrupt(where, "not valid JSON");
  }
  return decodeValue(raw, schema, where);
}

export function decodeOptionalJson<T>(
  text: unknown,
  schema: z.ZodType<T>,
  where: ColumnRef,
): T | null {
  return text == null ? null : decodeJson(text, schema, where);
}

/** Validates a scalar column (phase, mode...) against its schema. */
export function decodeValue<T>(value: unknown, schema: z.ZodType<T>, where: ColumnRef): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw corrupt(
    where,
    parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; "),
  );
}

function corrupt(where: ColumnRef, why: string): LifeboatError {
  return new LifeboatError(
    "LB_STORE_CORRUPT",
    `${where.table}.${where.column} of ${where.key}: ${why}`,
    { details: { ...where } },
  );
}
