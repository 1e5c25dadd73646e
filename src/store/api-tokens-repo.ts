import { createHash, randomBytes } from "node:crypto";
import type { Selectable } from "kysely";
import { apiRoleSchema, type ApiRole } from "../model/access.js";
import { LifeboatError } from "../model/errors.js";
import { decodeOptionalTime, decodeTime, decodeValue, encodeTime } from "./codec.js";
import type { ApiTokensTable } from "./schema.js";
import type { StoreSession } from "./store.js";

/** A token as the store keeps it: never the secret itself, only its hash. */
export interface ApiTokenRecord {
  readonly id: string;
  readonly name: string;
  readonly tenant: string;
  readonly role: ApiRole;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}

/** A new token: the record, and the secret, shown once and not recoverable afterwards. */
export interface IssuedApiToken {
  readonly record: ApiTokenRecord;
  readonly token: string;
}

/** Every token starts so: secret scanners and people recognise a Lifeboat token. */
export const apiTokenPrefix = "lbt_";

/** `sha256:<hex>` of a presented token: what lookups compare. */
export function apiTokenHash(token: string): string {
  return `sha256:${createHash("sha256").update(token, "utf8").digest("hex")}`;
}

/** Creates a token of 256 random bits for `tenant` with `role`; stores only its hash. */
export async function issueApiToken(
  s: StoreSession,
  input: { readonly name: string; readonly tenant: string; readonly role: ApiRole },
): Promise<IssuedApiToken> {
  const token = `${apiTokenPrefix}${randomBytes(32).toString("base64url")}`;
  const row = await s.db
    .insertInto("api_tokens")
    .values({
      id: `tok_${randomBytes(6).toString("hex")}`,
      name: input.name,
      tenant: input.tenant,
      role: apiRoleSchema.parse(input.role),
      hash: apiTokenHash(token),
      created_at: encodeTime(s.now()),
      last_used_at: null,
      revoked_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { record: toApiToken(row), token };
}

/**
 * The live (not revoked) token whose hash matches `token`, or `undefined`. Marks it used, at
 * most once a minute, so checking a token costs a write only now and then.
 */
export async function authenticateApiToken(
  s: StoreSession,
  token: string,
): Promise<ApiTokenRecord | undefined> {
  if (!token.startsWith(apiTokenPrefix)) return undefined;
  const row = await s.db
    .selectFrom("api_tokens")
    .selectAll()
    .where("hash", "=", apiTokenHash(token))
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  if (!row) return undefined;
  const now = encodeTime(s.now());
  if (row.last_used_at === null || now - Number(row.last_used_at) >= 60_000) {
    await s.db
      .updateTable("api_tokens")
      .set({ last_used_at: now })
      .where("id", "=", row.id)
      .execute();
    return toApiToken({ ...row, last_used_at: now });
  }
  return toApiToken(row);
}

/** Every token (revoked ones too, so the list is an audit trail), oldest first. */
export async function listApiTokens(
  s: StoreSession,
  filter: { readonly tenant?: string } = {},
): Promise<ApiTokenRecord[]> {
  let query = s.db.selectFrom("api_tokens").selectAll().orderBy("created_at").orderBy("id");
  if (filter.tenant !== undefined) query = query.where("tenant", "=", filter.tenant);
  return (await query.execute()).map(toApiToken);
}

/**
 * Revokes the token with id `id`; from then on it authenticates nothing. Revoking a revoked
 * token changes nothing and returns it. Unknown id → `LB_TOKEN_NOT_FOUND`.
 */
export async function revokeApiToken(s: StoreSession, id: string): Promise<ApiTokenRecord> {
  await s.db
    .updateTable("api_tokens")
    .set({ revoked_at: encodeTime(s.now()) })
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .execute();
  const row = await s.db
    .selectFrom("api_tokens")
    .selectAll()
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) {
    throw new LifeboatError("LB_TOKEN_NOT_FOUND", `there is no token ${id}`, { details: { id } });
  }
  return toApiToken(row);
}

function toApiToken(row: Selectable<ApiTokensTable>): ApiTokenRecord {
  const at = (column: string) => ({ table: "api_tokens", column, key: row.id });
  return {
    id: row.id,
    name: row.name,
    tenant: row.tenant,
    role: decodeValue(row.role, apiRoleSchema, at("role")),
    createdAt: decodeTime(row.created_at, at("created_at")),
    lastUsedAt: decodeOptionalTime(row.last_used_at, at("last_used_at")),
    revokedAt: decodeOptionalTime(row.revoked_at, at("revoked_at")),
  };
}
