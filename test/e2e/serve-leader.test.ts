/**
 * Two `lifeboat serve` processes on one PostgreSQL store: exactly one holds the scheduler and
 * captures; `kill -9` the leader and the other takes over within the lease timeout; captures
 * never overlap (proven from the capture events both recorded). SIGTERM shuts down gracefully
 * and hands the lease back at once.
 */
import { strict as assert } from "node:assert";
import { after, before, test } from "node:test";
import { listEvents, type EventRecord } from "../../src/store/events-repo.js";
import { leaseHolder } from "../../src/store/named-lease.js";
import { openStore } from "../../src/store/open-store.js";
import type { Store } from "../../src/store/store.js";
import { startMoto, type MotoServer } from "../harness/moto.js";
import { testPostgresDatabase } from "../harness/postgres.js";
import { expectJson } from "./capture-fixture.js";
import { ConfigBuilder } from "./config-builder.js";
import { makeTempDir, runLifeboat } from "./cli.js";
import { eventually, leads, ServeGroup, serveEnv } from "./serve-fixture.js";

const ttlMs = 3_000;
let moto: MotoServer;
let database: { url: string; release(): Promise<void> };
let store: Store;
const temp = makeTempDir("lifeboat-serve-");
const servers = new ServeGroup([], temp.path);

before(async () => {
  moto = await startMoto();
  database = await testPostgresDatabase("serve");
  ConfigBuilder.shop({ endpoint: moto.endpoint })
    .set("state", database.url)
    .set("environments.shop.capture.every", "1s")
    .set("server", { leaderTtl: `${ttlMs / 1000}s`, shutdownGrace: "5s" })
    .writeTo(temp.path);
  expectJson(
    await runLifeboat(["repo", "init", "--kdf-n", "1024", "--json"], {
      cwd: temp.path,
      env: serveEnv,
    }),
  );
  store = await openStore(database.url);
});

after(async () => {
  servers.killAll();
  await store?.close();
  await database?.release();
  await moto?.stop();
  temp.remove();
});

const serve = () => servers.start();
const captures = async () =>
  (await listEvents(store, { environment: "shop" })).filter((e) => e.type.startsWith("capture."));
const finishedBy = async (owner: string) =>
  (await captures()).filter((e) => e.type === "capture.finished" && e.data.owner === owner).length;

test("one leader schedules; kill -9 it and the other takes over; captures never overlap", async () => {
  const a = await serve();
  await eventually("a to lead", async () => ((await leads(a)) ? true : undefined));
  const b = await serve();
  await eventually("a to capture twice", async () =>
    (await finishedBy(a.owner)) >= 2 ? true : undefined,
  );
  assert.equal(await leads(b), false, "b only serves while a leads");
  assert.equal((await leaseHolder(store, "scheduler"))?.owner, a.owner);

  a.child.kill("SIGKILL");
  const killedAt = Date.now();
  assert.equal(await a.exited, "SIGKILL");
  await eventually("b to lead", async () => ((await leads(b)) ? true : undefined));
  const takeoverMs = Date.now() - killedAt;
  console.log(`takeover after kill -9: ${takeoverMs} ms (lease ttl ${ttlMs} ms)`);
  // Within the lease timeout plus one renewal period; the slack absorbs a loaded machine.
  assert.ok(takeoverMs < ttlMs + ttlMs / 3 + 20_000, `took ${takeoverMs} ms`);
  await eventually("b to capture twice", async () =>
    (await finishedBy(b.owner)) >= 2 ? true : undefined,
  );

  const events = await captures();
  assertNoOverlap(events, [a.owner, b.owner]);
  assert.ok(events.every((e) => e.data.owner === a.owner || e.data.owner === b.owner));

  // Graceful shutdown: exit 0, the lease handed back at once.
  b.child.kill("SIGTERM");
  assert.equal(await b.exited, 0, b.stderr());
  assert.equal(await leaseHolder(store, "scheduler"), undefined);
});

/**
 * Captures of each owner alternate started → finished|failed, and every event of the first
 * leader precedes the second leader's first capture: no two captures ran at once.
 */
function assertNoOverlap(events: readonly EventRecord[], owners: readonly string[]): void {
  for (const owner of owners) {
    let open = false;
    for (const e of events.filter((x) => x.data.owner === owner)) {
      if (e.type === "capture.started") {
        assert.equal(open, false, `${owner} started a capture while one was running`);
        open = true;
      } else {
        assert.equal(open, true, `${owner} ended a capture it had not started`);
        open = false;
      }
    }
  }
  const [first, second] = owners;
  const lastOfFirst = Math.max(...events.filter((e) => e.data.owner === first).map((e) => e.id));
  const firstOfSecond = Math.min(...events.filter((e) => e.data.owner === second).map((e) => e.id));
  assert.ok(lastOfFirst < firstOfSecond, "the new leader captured only after the old one stopped");
}
