/**
 * Who may do what through the HTTP API (docs/api.md, "Tenants and roles"). Roles are ordered:
 * each one may do everything the roles before it may. Tenants partition environments; a token
 * belongs to exactly one tenant and never sees another's environments, runs or events.
 */
import { z } from "zod";

export const apiRoles = ["viewer", "operator", "approver", "admin"] as const;
export type ApiRole = (typeof apiRoles)[number];
export const apiRoleSchema = z.enum(apiRoles);

/** True when `role` may do what `required` may. */
export function roleAllows(role: ApiRole, required: ApiRole): boolean {
  return apiRoles.indexOf(role) >= apiRoles.indexOf(required);
}

/** The tenant of environments whose config names none. */
export const defaultTenant = "default";

/** Tenant and token names: shown in logs and URLs, so a conservative alphabet. */
export const accessNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, {
  error: (issue) =>
    `${JSON.stringify(issue.input)} is not a valid name (letters, digits, ".", "-" and "_", starting with a letter or digit)`,
});

/** What the API knows about the caller once its token checked out. */
export interface Principal {
  readonly tokenId: string;
  readonly name: string;
  readonly tenant: string;
  readonly role: ApiRole;
}
