/**
 * The test command (`npm test` runs it after the build): starts the services the whole run
 * shares (a private PostgreSQL server), runs every compiled `*.test.js` under node's test
 * runner, and always stops what it started. Test files start their own moto server, which takes
 * well under a second, so files run in parallel without sharing cloud state.
 *
 * Usage: node dist/test/run-tests.js [filter...]   (filters are substrings of test file paths)
 */
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { startPostgres, type PostgresServer } from "./harness/postgres.js";

const distRoot = fileURLToPath(new URL("../", import.meta.url));

function findTests(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (name.endsWith(".test.js")) found.push(path);
  }
  return found;
}

async function main(): Promise<number> {
  const filters = process.argv.slice(2);
  const files = [...findTests(join(distRoot, "src")), ...findTests(join(distRoot, "test"))]
    .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
    .sort();
  if (files.length === 0) {
    console.error(`no test files matched ${filters.join(" ") || "(all)"}`);
    return 1;
  }
  let postgres: PostgresServer | undefined;
  const stopAll = async () => {
    await postgres?.stop().catch((error: unknown) => console.error("stopping postgres:", error));
    postgres = undefined;
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => void stopAll().then(() => process.exit(130)));
  }
  try {
    postgres = await startPostgres();
    console.log(`postgres ${postgres.url} (shared by this run)`);
    const concurrency = process.env.LIFEBOAT_TEST_CONCURRENCY ?? "2";
    const args = [
      "--test",
      `--test-concurrency=${concurrency}`,
      "--test-reporter=spec",
      ...files.map((file) => relative(process.cwd(), file)),
    ];
    const child = spawn(process.execPath, args, {
      stdio: "inherit",
      env: {
        ...process.env,
        LIFEBOAT_TEST_PG_URL: postgres.url,
        // The AWS SDK warns on every client that Node 20 is past its end of life.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      },
    });
    return await new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? 1)));
  } finally {
    await stopAll();
  }
}

process.exitCode = await main();
