/** Shared set-up for the repository end-to-end tests: a CLI runner bound to one repository. */
import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { jsonOf, runLifeboat, type CliRun } from "./cli.js";

export const password = "correct horse battery staple";

/** Runs `lifeboat <args> --repo <repo>` with the password in LIFEBOAT_PASSWORD. */
export function repoCli(cwd: string, repo: string, env: Record<string, string> = {}) {
  return (args: readonly string[], extraEnv: Record<string, string> = {}): Promise<CliRun> =>
    runLifeboat([...args, "--repo", repo], {
      cwd,
      env: { LIFEBOAT_PASSWORD: password, ...env, ...extraEnv },
      timeoutMs: 120_000,
    });
}

/** Like jsonOf, but fails with the run's output when the exit code is not `code`. */
export function expectJson<T = Record<string, unknown>>(run: CliRun, code = 0): T {
  if (run.code !== code) {
    throw new Error(
      `exit ${run.code}, expected ${code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`,
    );
  }
  return jsonOf<T>(run);
}

/** Every file below `root` as `path:size:mtimeMs`, sorted: "nothing was written" checks. */
export async function listing(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else {
        const st = await stat(path);
        out.push(`${path.slice(root.length)}:${st.size}:${st.mtimeMs}`);
      }
    }
  };
  await walk(root);
  return out.sort();
}

/** SHA-256 of every regular file below `root`, by relative path. */
export async function contentHashes(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (dir: string, rel: string) => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const path = join(dir, entry.name);
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(path, relPath);
      else if (entry.isFile())
        out.set(
          relPath,
          createHash("sha256")
            .update(await readFile(path))
            .digest("hex"),
        );
    }
  };
  await walk(root, "");
  return out;
}
