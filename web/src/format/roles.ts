import type { Role } from "../api/types.js";

const rank: Record<Role, number> = { viewer: 0, operator: 1, approver: 2, admin: 3 };

/** Roles are ordered (viewer < operator < approver < admin); buttons hide what the server would refuse. */
export const atLeast = (role: Role, needed: Role) => (rank[role] ?? 0) >= rank[needed];
