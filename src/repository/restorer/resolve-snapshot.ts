import { LifeboatError } from "../../model/errors.js";
import type { Repository } from "../repository.js";
import {
  filterSnapshots,
  findSnapshot,
  selectAt,
  type SnapshotFilter,
} from "../snapshot/select-snapshot.js";
import type { StoredSnapshot } from "../snapshot/snapshot.js";

/**
 * Resolves a snapshot reference: a full id, a unique prefix (≥ 8 hex), or `latest`; with
 * `at`, `latest` means the newest snapshot taken at or before that time. `filter` narrows the
 * candidates (e.g. one source). Unknown → `LB_SNAPSHOT_NOT_FOUND` (exit 3); an ambiguous
 * prefix → `LB_INVALID_INPUT`.
 */
export async function resolveSnapshot(
  repo: Repository,
  ref: string,
  options: { at?: Date; filter?: SnapshotFilter } = {},
): Promise<StoredSnapshot> {
  const all = filterSnapshots(await repo.listSnapshots(), options.filter);
  const found =
    options.at !== undefined && ref === "latest"
      ? selectAt(all, options.at)
      : findSnapshot(all, ref);
  if (found === "ambiguous") {
    throw new LifeboatError("LB_INVALID_INPUT", `snapshot prefix ${ref} is ambiguous`, {
      remedy: "Give more characters of the snapshot id.",
      details: { snapshot: ref },
    });
  }
  if (found === undefined) {
    const when = options.at === undefined ? "" : ` at or before ${options.at.toISOString()}`;
    throw new LifeboatError("LB_SNAPSHOT_NOT_FOUND", `no snapshot ${ref}${when}`, {
      details: { snapshot: ref },
    });
  }
  if (options.at !== undefined && Date.parse(found.time) > options.at.getTime()) {
    throw new LifeboatError("LB_SNAPSHOT_NOT_FOUND", `snapshot ${ref} is newer than --at`, {
      details: { snapshot: ref },
    });
  }
  return found;
}
