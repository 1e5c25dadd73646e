import type { Principal } from "../model/access.js";
import { LifeboatError } from "../model/errors.js";
import { getRun, type RunRecord } from "../store/runs-repo.js";
import type { ApiDeps, ApiEnvironment } from "./api-deps.js";

/*
 * Tenant isolation in one place: every route that names an environment or a run goes through
 * these. Another tenant's environment or run answers exactly like a missing one (404), so a
 * token cannot even learn which names exist elsewhere.
 */

/** The environments the caller's tenant owns, by name. */
export function visibleEnvironments(deps: ApiDeps, principal: Principal): ApiEnvironment[] {
  return deps.environments
    .filter((e) => e.tenant === principal.tenant)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Environment `name` if the caller's tenant owns it; otherwise `LB_ENV_NOT_FOUND`. */
export function visibleEnvironment(
  deps: ApiDeps,
  principal: Principal,
  name: string,
): ApiEnvironment {
  const found = deps.environments.find((e) => e.name === name && e.tenant === principal.tenant);
  if (found) return found;
  throw new LifeboatError("LB_ENV_NOT_FOUND", `there is no environment ${name}`, {
    details: { environment: name },
  });
}

/** Run `id` if it belongs to an environment of the caller's tenant; otherwise `LB_RUN_NOT_FOUND`. */
export async function visibleRun(
  deps: ApiDeps,
  principal: Principal,
  id: string,
): Promise<RunRecord> {
  const run = await getRun(deps.store, id);
  const owner = run && deps.environments.find((e) => e.name === run.environment);
  if (run && owner?.tenant === principal.tenant) return run;
  throw new LifeboatError("LB_RUN_NOT_FOUND", `there is no run ${id}`, { details: { runId: id } });
}
