import type { ApiTokenRecord } from "../../store/api-tokens-repo.js";

/** A token in `token … --json` output (docs/cli-json.md); never the secret. */
export interface TokenJson {
  readonly id: string;
  readonly name: string;
  readonly tenant: string;
  readonly role: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}

export function tokenJson(t: ApiTokenRecord): TokenJson {
  return {
    id: t.id,
    name: t.name,
    tenant: t.tenant,
    role: t.role,
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
  };
}

export const tokenLine = (t: TokenJson): string =>
  `${t.id}  ${t.name.padEnd(16)} ${t.tenant.padEnd(12)} ${t.role.padEnd(9)} ${t.revokedAt ? `revoked ${t.revokedAt}` : `created ${t.createdAt}`}`;
