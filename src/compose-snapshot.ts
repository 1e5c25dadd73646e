/**
 * The `snapshot` action's recovery points, taken by the protection engine as one consistency
 * group (`protectGroup`, docs/protect.md): image files and block devices are scan members (the
 * newest point of the same path is the base, so a repeated snapshot stores what changed), a
 * PostgreSQL database is a `pg_dump -Fc` stream captured whole. Every point is a row of
 * `recovery_points` with the step's idempotency key as its group id and the request's time as
 * its `at`, so `lifeboat points` lists it and a retried step adopts it.
 */
import { spawn } from "node:child_process";
import { Readable } from "node:stream";
import type { Clock } from "./model/clock.js";
import { BugError, LifeboatError } from "./model/errors.js";
import type {
  GroupItem,
  GroupRequest,
  RecoveryPoint,
  RecoveryPointPort,
} from "./plugins/recovery-point-port.js";
import { postgresBin } from "./protect/pg/pg-binaries.js";
import type { PointLog } from "./protect/point-log.js";
import { protectGroup, type CaptureMember } from "./protect/protect-group.js";
import { ScanSource } from "./protect/scan-source.js";
import { backup } from "./repository/archiver/api.js";
import type { Repository } from "./repository/repository.js";

export interface SnapshotWiring {
  repository(): Promise<Repository>;
  readonly points: PointLog;
  readonly clock: Clock;
}

export function engineRecoveryPoints(wiring: SnapshotWiring): RecoveryPointPort {
  return {
    async takeGroup(request: GroupRequest): Promise<RecoveryPoint> {
      const { points, clock } = wiring;
      const earlier = await points.group(request.environment, request.group);
      if (earlier.length > 0 && earlier.length === request.items.length) {
        const items = earlier.map((p) => ({
          item: p.source,
          snapshot: p.snapshotId,
          size: p.sizeBytes,
        }));
        return { group: request.group, time: earlier[0]!.at.toISOString(), adopted: true, items };
      }
      const repo = await wiring.repository();
      const tags = [
        `lifeboat:group=${request.group}`,
        `lifeboat:environment=${request.environment}`,
      ];
      const volumes = request.items.flatMap((item) =>
        item.kind === "postgres" ? [] : [new ScanSource(item.path, item.path, clock)],
      );
      const captures = request.items.flatMap((item): CaptureMember[] =>
        item.kind !== "postgres"
          ? []
          : [
              {
                source: itemName(item),
                kind: "database",
                method: "dump",
                capture: (at, signal) =>
                  dumpInto(
                    repo,
                    item,
                    { tags, fields: { group: request.group }, time: at },
                    signal ?? request.signal,
                  ),
              },
            ],
      );
      const cycle = await protectGroup(
        { repo, points, environment: request.environment },
        { id: "snapshot", volumes, captures },
        { clock, at: request.time, groupId: request.group, signal: request.signal },
      );
      const taken = [...cycle.volumes.map((v) => v.point), ...cycle.captures];
      const items = request.items.map((item) => {
        const point = taken.find((p) => p.source === itemName(item));
        if (!point) throw new BugError(`the group cycle has no point for ${itemName(item)}`);
        return { item: point.source, snapshot: point.snapshotId, size: point.sizeBytes };
      });
      return { group: request.group, time: cycle.at.toISOString(), adopted: false, items };
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
