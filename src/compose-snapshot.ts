/**
 * The `snapshot` action's recovery points, wired to the repository (until the protection engine
 * offers its consistency-group call point): each item is one repository snapshot, all tagged
 * `lifeboat:group=<group>` and stamped with the group's one time. Image files and block devices
 * are backed up as images; a PostgreSQL database as a `pg_dump -Fc` stream.
 */
import { spawn } from "node:child_process";
import { Readable } from "node:stream";
import { LifeboatError } from "./model/errors.js";
import type {
  GroupItem,
  GroupRequest,
  RecoveryPoint,
  RecoveryPointPort,
} from "./plugins/recovery-point-port.js";
import { postgresBin } from "./protect/pg/pg-binaries.js";
import { backup } from "./repository/archiver/api.js";
import type { Repository } from "./repository/repository.js";

export function repositoryRecoveryPoints(open: () => Promise<Repository>): RecoveryPointPort {
  return {
    async takeGroup(request: GroupRequest): Promise<RecoveryPoint> {
      const repo = await open();
      const tag = `lifeboat:group=${request.group}`;
      const earlier = (await repo.listSnapshots()).filter((s) => s.tags.includes(tag));
      if (earlier.length === request.items.length) {
        const time = earlier[0]?.time ?? request.time.toISOString();
        const items = earlier.map((s) => ({ item: s.source, snapshot: s.id, size: s.size }));
        return { group: request.group, time, adopted: true, items };
      }
      const tags = [tag, `lifeboat:environment=${request.environment}`];
      const items: RecoveryPoint["items"][number][] = [];
      for (const item of request.items) {
        if (request.signal.aborted) throw new LifeboatError("LB_CANCELLED", "snapshot cancelled");
        const fields = { group: request.group };
        const result =
          item.kind === "postgres"
            ? await dumpInto(repo, item, { tags, fields, time: request.time }, request.signal)
            : await backup(repo, {
                source: item.path,
                kind: item.kind === "device" ? "image" : "file",
                tags,
                fields,
                time: request.time,
              });
        items.push({ item: itemName(item), snapshot: result.snapshot, size: result.size });
      }
      return { group: request.group, time: request.time.toISOString(), adopted: false, items };
    },
  };
}

function itemName(item: GroupItem): string {
  return item.kind === "postgres" ? `postgres:${item.name}` : item.path;
}

/** Streams `pg_dump -Fc` into a `stream` snapshot; committed only if pg_dump exits 0. */
async function dumpInto(
  repo: Repository,
  item: Extract<GroupItem, { kind: "postgres" }>,
  meta: { tags: string[]; fields: Record<string, unknown>; time: Date },
  signal: AbortSignal,
) {
  const child = spawn(postgresBin("pg_dump"), ["-Fc", "--no-password", "-d", item.url], {
    stdio: ["ignore", "pipe", "pipe"],
    signal,
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve(code));
  });
  async function* checked(): AsyncGenerator<Uint8Array> {
    yield* child.stdout;
    const code = await exited;
    if (code !== 0) {
      throw new LifeboatError("LB_ACTION_FAILED", `pg_dump exited with ${code}: ${stderr.trim()}`, {
        details: { database: item.name },
      });
    }
  }
  return await backup(repo, {
    source: "-",
    kind: "stream",
    stdin: Readable.from(checked()),
    stdinName: `postgres/${item.name}.dump`,
    ...meta,
  });
}
