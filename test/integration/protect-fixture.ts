/** Shared set-up for the protection tests: a repository, a state store, images, comparisons. */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { storePointLog } from "../../src/composition.js";
import { systemClock } from "../../src/model/clock.js";
import type { RecoveryPoint } from "../../src/model/recovery-point.js";
import { ImageReader, resolveSnapshot } from "../../src/repository/archiver/api.js";
import { FsBackend } from "../../src/repository/backends/fs-backend.js";
import type { Repository } from "../../src/repository/repository.js";
import { JournalMount } from "../../src/protect/journal/journal-mount.js";
import { JournalSource } from "../../src/protect/journal/journal-source.js";
import type { ProtectDeps } from "../../src/protect/protect-volume.js";
import { openStore } from "../../src/store/open-store.js";
import type { Store } from "../../src/store/store.js";
import { initRepo, type BackendPlace } from "./repo-fixture.js";

export const KiB = 1024;
export const MiB = 1024 * KiB;

export interface ProtectFixture {
  readonly dir: string;
  readonly repo: Repository;
  readonly store: Store;
  readonly deps: ProtectDeps;
  close(): Promise<void>;
}

/** A temp dir with an fs repository and a SQLite state store (or `storeUrl`). */
export async function protectFixture(storeUrl?: string): Promise<ProtectFixture> {
  const dir = await mkdtemp(join(tmpdir(), "lifeboat-protect-"));
  const place: BackendPlace = {
    label: "fs",
    make: async () => new FsBackend(join(dir, "repo")),
    dispose: async () => undefined,
  };
  const repo = await initRepo(place);
  const store = await openStore(storeUrl ?? `sqlite:${join(dir, "state.db")}`);
  const deps: ProtectDeps = {
    repo,
    points: storePointLog(store),
    environment: "shop",
    archive: { workers: 1 },
  };
  return {
    dir,
    repo,
    store,
    deps,
    close: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A random image of `size` bytes (the first half random, the rest zeros: holes). */
export async function makeImage(path: string, size: number): Promise<void> {
  const handle = await open(path, "w");
  try {
    await handle.truncate(size);
    for (let offset = 0; offset < size / 2; offset += MiB) {
      await handle.write(randomBytes(Math.min(MiB, size / 2 - offset)), 0, undefined, offset);
    }
  } finally {
    await handle.close();
  }
}

/** Writes `count` random 4 KiB blocks at random aligned offsets; returns the offsets. */
export async function scatterWrites(path: string, size: number, count: number): Promise<number[]> {
  const handle = await open(path, "r+");
  const offsets: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const offset = Math.floor(Math.random() * (size / (4 * KiB))) * 4 * KiB;
      await handle.write(randomBytes(4 * KiB), 0, 4 * KiB, offset);
      offsets.push(offset);
    }
  } finally {
    await handle.close();
  }
  return offsets;
}

/** The whole image a recovery point holds, read back from the repository. */
export async function pointBytes(repo: Repository, point: RecoveryPoint): Promise<Buffer> {
  const reader = await ImageReader.open(repo, await resolveSnapshot(repo, point.snapshotId));
  return Buffer.from(await reader.read(0, reader.size));
}

/** Builds the FUSE pass-through the journal tests mount (dist/native/lifeboat-journalfs). */
export function buildJournalfs(): void {
  execFileSync(new URL("../../../scripts/build-journalfs.sh", import.meta.url).pathname);
}

/** Mounts the pass-through over `image`; its journal and mount point go under `dir`. */
export function mountJournal(image: string, dir: string): Promise<JournalMount> {
  return JournalMount.start({
    image,
    journalDir: join(dir, "journal"),
    mountpoint: join(dir, "mnt"),
  });
}

/** The journal source of `volume`, whose `image` the pass-through `mount` journals. */
export function journalSource(volume: string, image: string, mount: JournalMount): JournalSource {
  return new JournalSource({
    volume,
    image,
    journalDir: mount.journalDir,
    clock: systemClock,
    rotate: () => mount.rotate(),
  });
}
