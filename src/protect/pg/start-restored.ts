import { spawn } from "node:child_process";
import { readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import pg from "pg";
import { LifeboatError } from "../../model/errors.js";
import { postgresBin } from "./pg-binaries.js";
import { stagedWalDir } from "./restore-data-dir.js";

export interface StartRestoredRequest {
  readonly target: string;
  readonly port: number;
  readonly listen?: string;
  readonly bin?: string;
  /** How long recovery may take before giving up; default 10 minutes. */
  readonly timeoutMs?: number;
}

export interface StartedServer {
  readonly url: string;
  readonly log: string;
  /** False when the archive held no commit after the target and recovery ran to its end. */
  readonly targetReached: boolean;
  readonly recoverySeconds: number;
}

const endedEarly = "recovery ended before configured recovery target was reached";

/**
 * Starts a data directory {@link restoreDataDir} built (with `pg_ctl`, so the server outlives
 * Lifeboat), waits until recovery has promoted it, then removes the staged WAL. If the archive
 * holds no commit after the target, PostgreSQL stops with "recovery ended before configured
 * recovery target was reached"; the archive was checked to cover the target, so every commit
 * up to it is in the replayed WAL, and the server is started again without a target.
 * As root, the server runs as the data directory's owner.
 */
export async function startRestored(request: StartRestoredRequest): Promise<StartedServer> {
  const started = Date.now();
  const log = join(request.target, "lifeboat_restore.log");
  const owner = await stat(request.target);
  const asOwner = process.getuid?.() === 0 ? { uid: owner.uid, gid: owner.gid } : {};
  const listen = request.listen ?? "127.0.0.1";
  const url = `postgres://postgres@${listen}:${request.port}/postgres`;
  let targetReached = true;
  for (let attempt = 0; ; attempt++) {
    const before = await readFile(log, "utf8").catch(() => "");
    await pgCtl(request, asOwner, log, listen);
    const outcome = await waitForPromotion(url, request.timeoutMs ?? 600_000);
    if (outcome === "promoted") break;
    const text = (await readFile(log, "utf8").catch(() => "")).slice(before.length);
    if (attempt === 0 && text.includes(endedEarly)) {
      targetReached = false;
      await dropTarget(request.target);
      continue;
    }
    throw new LifeboatError("LB_PG_START_FAILED", `the restored server stopped: ${tail(text)}`, {
      details: { log },
    });
  }
  await rm(join(request.target, stagedWalDir), { recursive: true, force: true });
  return { url, log, targetReached, recoverySeconds: (Date.now() - started) / 1000 };
}

async function pgCtl(
  request: StartRestoredRequest,
  asOwner: { uid?: number; gid?: number },
  log: string,
  listen: string,
): Promise<void> {
  const options = `-p ${request.port} -c listen_addresses=${listen} -c unix_socket_directories=''`;
  const child = spawn(
    postgresBin("pg_ctl", request.bin),
    ["start", "-D", request.target, "-l", log, "-o", options, "-w", "-t", "600"],
    { ...asOwner, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((ok, fail) => {
    child.once("error", fail);
    child.once("close", ok);
  });
  // A non-zero exit with the server gone is judged from its log by the caller.
  if (code !== 0 && !(await readFile(log, "utf8").catch(() => "")).includes("FATAL")) {
    throw new LifeboatError("LB_PG_START_FAILED", `pg_ctl start exited ${code}: ${stderr.trim()}`, {
      details: { log },
    });
  }
}

async function waitForPromotion(url: string, timeoutMs: number): Promise<"promoted" | "stopped"> {
  const deadline = Date.now() + timeoutMs;
  let failures = 0;
  while (Date.now() < deadline) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      const { rows } = await client.query<{ r: boolean }>("SELECT pg_is_in_recovery() AS r");
      failures = 0;
      if (rows[0]?.r === false) return "promoted";
    } catch {
      // Refused while starting or after a FATAL stop; a stop shows as repeated refusals.
      if (++failures >= 25) return "stopped";
    } finally {
      await client.end().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new LifeboatError("LB_TIMEOUT", `recovery did not finish within ${timeoutMs / 1000} s`);
}

async function dropTarget(target: string): Promise<void> {
  const file = join(target, "postgresql.auto.conf");
  const text = await readFile(file, "utf8");
  await writeFile(file, text.replace(/^recovery_target_time = .*$/m, "# $& (archive ended first)"));
}

const tail = (text: string) => text.trim().split("\n").slice(-5).join(" | ");
