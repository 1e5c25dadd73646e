/**
 * Opening the state store: URL handling, unreachable and unopenable stores, secrets kept out of
 * errors, lock contention, and several processes opening one fresh store at once, on both
 * dialects where it applies.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { after, before, describe, test } from "node:test";
import Database from "better-sqlite3";
import { sql } from "kysely";
import { isLifeboatError, toErrorJson, type ErrorCode } from "../../src/model/errors.js";
import { Secret } from "../../src/model/secret.js";
import { createEnvironment, getEnvironment } from "../../src/store/environments-repo.js";
import { appliedMigrations } from "../../src/store/migrate-store.js";
import { storeMigrations } from "../../src/store/migrations/index.js";
import { openStore } from "../../src/store/open-store.js";
import { createDatabaseOn, startPostgres, testPostgresDatabase } from "../harness/postgres.js";
import { freePort } from "../harness/free-port.js";

/** Every migration this build applies, in order (both dialects have the same list). */
const knownMigrations = Object.keys(storeMigrations("sqlite"));

const PASSWORD = "Sup3r-s3cret_pw";

async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<Error> {
  let caught: unknown;
  await assert.rejects(promise, (error) => {
    caught = error;
    assert.ok(isLifeboatError(error), `expected ${code}, got ${inspect(error)}`);
    assert.equal(error.code, code);
    return true;
  });
  return caught as Error;
}

/** Everything a user or a log could see of an error, cause chain included. */
function assertNoPassword(error: Error): void {
  const visible = [
    error.message,
    inspect(error, { depth: 10 }),
    JSON.stringify(toErrorJson(error)),
  ];
  for (const text of visible) assert.ok(!text.includes(PASSWORD), `password leaked in: ${text}`);
}

let dir = "";
before(() => {
  dir = mkdtempSync(join(tmpdir(), "lifeboat-store-open-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe("state store URLs", () => {
  for (const url of [
    "mysql://u@h/db",
    "http://example.com",
    "state.db",
    "sqlite:",
    "sqlite://host/x",
  ]) {
    test(`${url} is LB_CONFIG_INVALID`, async () => {
      await expectCode(openStore(url), "LB_CONFIG_INVALID");
    });
  }

  test("a relative sqlite path resolves against baseDir and its folders are created", async () => {
    const store = await openStore("sqlite:a/b/state.db", { baseDir: dir });
    const pragma = async (name: string) =>
      Object.values((await sql.raw(`pragma ${name}`).execute(store.db)).rows[0] ?? {})[0];
    assert.equal(await pragma("journal_mode"), "wal");
    assert.equal(await pragma("foreign_keys"), 1);
    assert.equal(await pragma("busy_timeout"), 5000);
    assert.equal(await pragma("synchronous"), 2, "FULL");
    await createEnvironment(store, { name: "shop", configDigest: "x" });
    await store.close();
    await store.close(); // idempotent
    const again = await openStore(`sqlite:///${join(dir, "a/b/state.db").slice(1)}`);
    assert.equal((await getEnvironment(again, "shop"))?.name, "shop");
    await again.close();
  });

  test("sqlite::memory: is a private, migrated store", async () => {
    const store = await openStore("sqlite::memory:");
    assert.deepEqual(await appliedMigrations(store.db as never), knownMigrations);
    await store.close();
  });
});

describe("unopenable SQLite stores", () => {
  test("a path under a regular file is LB_STORE_UNREACHABLE", async () => {
    writeFileSync(join(dir, "plain-file"), "x");
    const error = await expectCode(
      openStore(`sqlite:${join(dir, "plain-file", "state.db")}`),
      "LB_STORE_UNREACHABLE",
    );
    assert.equal(
      (error as { details?: { url?: string } }).details?.url?.startsWith("sqlite:"),
      true,
    );
  });

  test("a directory is LB_STORE_UNREACHABLE", async () => {
    await expectCode(openStore(`sqlite:${dir}`), "LB_STORE_UNREACHABLE");
  });

  test("a file that is not a database is LB_STORE_CORRUPT", async () => {
    const path = join(dir, "garbage.db");
    writeFileSync(path, "this is not an SQLite database, just text ".repeat(50));
    await expectCode(openStore(`sqlite:${path}`), "LB_STORE_CORRUPT");
  });

  test("a writer blocked past the busy timeout is LB_STORE_CONFLICT (retryable)", async () => {
    const path = join(dir, "busy.db");
    const store = await openStore(`sqlite:${path}`, { busyTimeoutMs: 50 });
    const other = new Database(path);
    other.exec("begin immediate");
    try {
      const error = await expectCode(
        createEnvironment(store, { name: "shop", configDigest: "x" }),
        "LB_STORE_CONFLICT",
      );
      assert.equal((error as { retryable?: boolean }).retryable, true);
    } finally {
      other.exec("rollback");
      other.close();
    }
    await createEnvironment(store, { name: "shop", configDigest: "x" });
    await store.close();
  });
});

describe("unreachable PostgreSQL", () => {
  const silent: Socket[] = [];
  let server: Server | undefined;
  after(() => {
    for (const socket of silent) socket.destroy();
    server?.close();
  });

  test("a refused connection is LB_STORE_UNREACHABLE, with the password redacted", async () => {
    const port = await freePort();
    const url = `postgres://lifeboat:${PASSWORD}@127.0.0.1:${port}/state`;
    const error = await expectCode(openStore(url), "LB_STORE_UNREACHABLE");
    assertNoPassword(error);
    assert.equal(
      (error as { details?: { url?: string } }).details?.url,
      `postgres://lifeboat:***@127.0.0.1:${port}/state`,
    );
  });

  test("a server that never answers is LB_STORE_UNREACHABLE after the connect timeout", async () => {
    server = createServer((socket) => silent.push(socket)); // accepts, never speaks
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const error = await expectCode(
      openStore(`postgresql://lifeboat:${PASSWORD}@127.0.0.1:${port}/state`, {
        connectTimeoutMs: 300,
      }),
      "LB_STORE_UNREACHABLE",
    );
    assertNoPassword(error);
  });
});

describe("a PostgreSQL server that goes away", () => {
  test("later queries and transactions are LB_STORE_UNREACHABLE, not crashes", async () => {
    const server = await startPostgres(); // a private one: this test stops it
    const store = await openStore(await server.createDatabase("gone"), { connectTimeoutMs: 1000 });
    try {
      await createEnvironment(store, { name: "shop", configDigest: "x" });
      await server.stop();
      await expectCode(getEnvironment(store, "shop"), "LB_STORE_UNREACHABLE");
      await expectCode(
        store.transaction((tx) => createEnvironment(tx, { name: "blog", configDigest: "x" })),
        "LB_STORE_UNREACHABLE",
      );
    } finally {
      await store.close();
      await server.stop();
    }
  });
});

describe("PostgreSQL connection details", () => {
  let admin = "";
  let release: () => Promise<void> = async () => undefined;
  before(async () => {
    const database = await testPostgresDatabase("store_open");
    const url = new URL(database.url);
    url.pathname = "/postgres";
    admin = url.toString();
    release = database.release;
  });
  after(() => release());

  test("a database that does not exist is LB_STORE_UNREACHABLE; a Secret password never leaks", async () => {
    const url = new URL(admin);
    url.pathname = "/no_such_database";
    const error = await expectCode(
      openStore(url.toString(), { password: new Secret(PASSWORD) }),
      "LB_STORE_UNREACHABLE",
    );
    assertNoPassword(error);
  });

  test("a password given as a Secret is used to connect", async () => {
    const store = await openStore(await createDatabaseOn(admin, "store_pw"), {
      password: new Secret(PASSWORD), // the harness server trusts loopback; any password works
    });
    assert.equal(store.dialect, "postgres");
    assert.ok(!store.redactedUrl.includes(PASSWORD));
    await store.close();
  });

  test("several processes opening one fresh PostgreSQL store at once all succeed", async () => {
    await openConcurrently(await createDatabaseOn(admin, "store_race"), 4);
  });
});

describe("several processes opening one fresh SQLite store", () => {
  test("all succeed and the schema is migrated exactly once", async () => {
    await openConcurrently(`sqlite:${join(dir, "race", "state.db")}`, 4);
  });
});

/**
 * Starts `count` processes that each open `url` and write one row, released together by a
 * go-file once all are ready, then checks that every one succeeded and the migration ran once.
 */
async function openConcurrently(url: string, count: number): Promise<void> {
  const go = join(dir, `go-${Math.random().toString(36).slice(2)}`);
  const openStoreJs = new URL("../../src/store/open-store.js", import.meta.url).href;
  const envRepoJs = new URL("../../src/store/environments-repo.js", import.meta.url).href;
  const child = `
    import { existsSync } from "node:fs";
    const { openStore } = await import(${JSON.stringify(openStoreJs)});
    const { createEnvironment } = await import(${JSON.stringify(envRepoJs)});
    process.stdout.write("ready\\n");
    while (!existsSync(process.env.GO)) await new Promise((r) => setTimeout(r, 2));
    const store = await openStore(process.env.STORE_URL, { busyTimeoutMs: 30000 });
    await createEnvironment(store, { name: "env-" + process.env.N, configDigest: "x" });
    await store.close();
  `;
  const results = Array.from({ length: count }, (_, n) => {
    const proc = spawn(process.execPath, ["--input-type=module", "-e", child], {
      env: { ...process.env, GO: go, STORE_URL: url, N: String(n) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    proc.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const ready = new Promise<void>((resolve) =>
      proc.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve()),
    );
    const exit = new Promise<{ code: number | null; stderr: string }>((resolve) =>
      proc.on("exit", (code) => resolve({ code, stderr })),
    );
    return { ready, exit };
  });
  await Promise.all(results.map((r) => r.ready));
  writeFileSync(go, "go");
  for (const { code, stderr } of await Promise.all(results.map((r) => r.exit))) {
    assert.equal(code, 0, stderr);
  }
  const store = await openStore(url);
  try {
    assert.deepEqual(await appliedMigrations(store.db as never), knownMigrations);
    const names = (await store.db.selectFrom("environments").select("name").execute()).map(
      (row) => row.name,
    );
    assert.equal(names.length, count);
  } finally {
    await store.close();
  }
}
