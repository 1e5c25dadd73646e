import { hostname } from "node:os";
import { releaseRunLease } from "../store/run-lease.js";
import { requireRun } from "../store/runs-repo.js";
import type { Store } from "../store/store.js";

/**
 * Frees the lease of run `runId` when its holder is a process of this host that no longer
 * exists (killed, crashed): executor owners are `<host>:<pid>:<random>`. Then `resume` takes
 * over at once instead of waiting out the lease (30 s). A holder on another host, or one still
 * alive, is left alone. Returns whether a lease was freed.
 */
export async function releaseDeadLease(store: Store, runId: string): Promise<boolean> {
  const run = await requireRun(store, runId);
  const owner = run.leaseOwner;
  if (owner === null) return false;
  const [host, pidText] = owner.split(":");
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isSafeInteger(pid) || pid <= 0 || isAlive(pid)) return false;
  await releaseRunLease(store, runId, owner);
  return true;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
