import type { FastifyRequest } from "fastify";
import { roleAllows, type ApiRole, type Principal } from "../model/access.js";
import { LifeboatError } from "../model/errors.js";
import { authenticateApiToken } from "../store/api-tokens-repo.js";
import type { ApiDeps } from "./api-deps.js";

/**
 * The caller of `request`, checked to hold at least `role`. No or an unknown/revoked token →
 * `LB_API_UNAUTHENTICATED` (401); a weaker role → `LB_API_FORBIDDEN` (403). The token is
 * compared by hash only (src/store/api-tokens-repo.ts).
 */
export async function authorize(
  deps: ApiDeps,
  request: FastifyRequest,
  role: ApiRole,
): Promise<Principal> {
  const header = request.headers.authorization;
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "")?.[1];
  if (token === undefined) {
    throw new LifeboatError("LB_API_UNAUTHENTICATED", "this route needs a bearer token");
  }
  const record = await authenticateApiToken(deps.store, token);
  if (!record) {
    throw new LifeboatError("LB_API_UNAUTHENTICATED", "the token is unknown or revoked");
  }
  if (!roleAllows(record.role, role)) {
    throw new LifeboatError(
      "LB_API_FORBIDDEN",
      `this needs the ${role} role; token ${record.name} is ${record.role}`,
      { details: { required: role, role: record.role } },
    );
  }
  return { tokenId: record.id, name: record.name, tenant: record.tenant, role: record.role };
}
