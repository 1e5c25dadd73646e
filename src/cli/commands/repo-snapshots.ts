import { snapshotKinds, type SnapshotKind } from "../../repository/snapshot/snapshot.js";
import { filterSnapshots } from "../../repository/snapshot/select-snapshot.js";
import { LifeboatError } from "../../model/errors.js";
import { commandGroup } from "../command-group.js";
import { printResult } from "../output.js";
import { formatBytes } from "../progress.js";
import {
  withRepository,
  withRepositoryOptions,
  type RepositoryCliOptions,
} from "../repository-options.js";
import { runAction, type RegisterCommand } from "../run-action.js";

interface SnapshotsOptions extends RepositoryCliOptions {
  readonly tag?: string[];
  readonly kind?: string;
}

export interface SnapshotJson {
  readonly id: string;
  readonly time: string;
  readonly host: string;
  readonly kind: string;
  readonly source: string;
  readonly tags: string[];
  readonly size: number;
  readonly parent: string | null;
}

/** `--json` output of `repo snapshots` (docs/cli-json.md). */
export interface SnapshotsJson {
  readonly ok: true;
  readonly snapshots: SnapshotJson[];
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `lifeboat repo snapshots`: lists snapshots oldest first, filtered by tag and kind. */
export const registerRepoSnapshots: RegisterCommand = (program, io) => {
  withRepositoryOptions(
    commandGroup(program, "repo", "Manage the encrypted repository.")
      .command("snapshots")
      .description("List snapshots, oldest first.")
      .option("--tag <tag>", "only snapshots with this tag (repeatable: all must match)", collect)
      .option("--kind <kind>", `only this kind (${snapshotKinds.join(", ")})`),
  ).action(async (options: SnapshotsOptions) => {
    await runAction(io, options.json, async () => {
      if (
        options.kind !== undefined &&
        !(snapshotKinds as readonly string[]).includes(options.kind)
      )
        throw new LifeboatError("LB_USAGE", `--kind must be one of ${snapshotKinds.join(", ")}`);
      await withRepository(options, async (repo) => {
        const list = filterSnapshots(await repo.listSnapshots(), {
          ...(options.tag ? { tags: options.tag } : {}),
          ...(options.kind ? { kind: options.kind as SnapshotKind } : {}),
        });
        const json: SnapshotsJson = {
          ok: true,
          snapshots: list.map((s) => ({
            id: s.id,
            time: s.time,
            host: s.host,
            kind: s.kind,
            source: s.source,
            tags: s.tags,
            size: s.size,
            parent: s.parent ?? null,
          })),
        };
        printResult(io, options.json, json, (r) =>
          r.snapshots.length === 0
            ? "no snapshots"
            : r.snapshots
                .map(
                  (s) =>
                    `${s.id.slice(0, 12)}  ${s.time}  ${s.kind.padEnd(9)} ${formatBytes(s.size).padStart(10)}  ${s.source}` +
                    (s.tags.length ? `  [${s.tags.join(",")}]` : ""),
                )
                .join("\n"),
        );
      });
    });
  });
};
