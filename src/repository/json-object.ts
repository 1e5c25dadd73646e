import { createHash } from "node:crypto";
import type { z } from "zod";
import { LifeboatError, type ErrorCode } from "../model/errors.js";
import type { Backend, ObjectType } from "./backend.js";
import type { Codec } from "./codec.js";
import type { ObjectKind } from "./crypto/aead.js";

/**
 * Parses and validates JSON read back from the repository. Anything malformed is `code`
 * naming the object — never a crash: decoders see attacker-controlled bytes.
 */
export function parseJson<T>(
  schema: z.ZodType<T>,
  bytes: Uint8Array,
  code: ErrorCode,
  what: string,
): T {
  let json: unknown;
  try {
    json = JSON.parse(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"),
    );
  } catch (error) {
    throw new LifeboatError(code, `${what} is not valid JSON`, {
      cause: error,
      details: { object: what },
    });
  }
  return parseValue(schema, json, code, what);
}

/** Validates a value already parsed from repository JSON; a mismatch is `code` naming it. */
export function parseValue<T>(
  schema: z.ZodType<T>,
  json: unknown,
  code: ErrorCode,
  what: string,
): T {
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new LifeboatError(code, `${what} does not match its schema`, {
      cause: parsed.error,
      details: {
        object: what,
        issues: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`),
      },
    });
  }
  return parsed.data;
}

/** Seals a JSON value and stores it under the SHA-256 of the sealed bytes; resolves the name. */
export async function saveJsonObject(
  backend: Backend,
  codec: Codec,
  type: ObjectType,
  kind: ObjectKind,
  value: unknown,
): Promise<string> {
  const sealed = codec.encodeObject(kind, Buffer.from(JSON.stringify(value)));
  const name = createHash("sha256").update(sealed).digest("hex");
  await backend.save(type, name, sealed);
  return name;
}

export async function loadJsonObject<T>(
  backend: Backend,
  codec: Codec,
  type: ObjectType,
  kind: ObjectKind,
  name: string,
  schema: z.ZodType<T>,
): Promise<T> {
  const what = type === "config" ? "config" : `${type}/${name}`;
  const plain = codec.decodeObject(
    kind,
    await backend.load(type, name),
    "LB_REPO_OBJECT_CORRUPT",
    what,
  );
  return parseJson(schema, plain, "LB_REPO_OBJECT_CORRUPT", what);
}
