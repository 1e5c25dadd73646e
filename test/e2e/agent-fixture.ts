/**
 * Set-up shared by the `lifeboat agent` end-to-end tests: a workspace whose repository is
 * initialised through the built CLI, disk images with random heads, and its state store.
 */
import { randomBytes } from "node:crypto";
import { truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { openStore } from "../../src/store/open-store.js";
import type { Store } from "../../src/store/store.js";
import { runLifeboat } from "./cli.js";
import { expectJson, password } from "./repo-fixture.js";

export const MiB = 1024 * 1024;
export const agentEnv = { LIFEBOAT_PASSWORD: password };

/** A disk image: its file name under `disks/`, its size, and how many leading bytes are random. */
export type DiskImage = readonly [name: string, size: number, random: number];

/** Initialises the repository of the workspace in `dir` (config written) and writes `disks`. */
export async function initAgentWorkspace(dir: string, disks: readonly DiskImage[]): Promise<void> {
  expectJson(
    await runLifeboat(["repo", "init", "--kdf-n", "1024", "--pack-size", "1", "--json"], {
      cwd: dir,
      env: agentEnv,
    }),
  );
  for (const [name, size, random] of disks) {
    const file = join(dir, "disks", name);
    await writeFile(file, randomBytes(random));
    await truncate(file, size);
  }
}

/** Runs `body` with the workspace's state store open. */
export async function withStore<T>(dir: string, body: (s: Store) => Promise<T>): Promise<T> {
  const store = await openStore(`sqlite:${join(dir, ".lifeboat/state.db")}`);
  try {
    return await body(store);
  } finally {
    await store.close();
  }
}
