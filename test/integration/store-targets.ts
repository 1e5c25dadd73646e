/**
 * The state store's conformance harness: {@link describeStoreConformance} runs the same tests
 * against every dialect, SQLite (a temp file) and PostgreSQL (a real server from the test
 * harness; if it cannot start, the suite fails, it is never skipped).
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe } from "node:test";
import { isLifeboatError, type ErrorCode } from "../../src/model/errors.js";
import { openStore, type OpenStoreOptions } from "../../src/store/open-store.js";
import type { Store, StoreDialect } from "../../src/store/store.js";
import { createDatabaseOn, testPostgresDatabase } from "../harness/postgres.js";

/** Where fresh, empty stores of one dialect come from. */
interface Target {
  readonly name: StoreDialect;
  setUp(): Promise<void>;
  freshUrl(): Promise<string>;
  tearDown(): Promise<void>;
}

function sqliteTarget(): Target {
  let dir = "";
  let n = 0;
  return {
    name: "sqlite",
    setUp: async () => {
      dir = mkdtempSync(join(tmpdir(), "lifeboat-store-"));
    },
    freshUrl: async () => `sqlite:${join(dir, `nested/state-${++n}.db`)}`,
    tearDown: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function postgresTarget(): Target {
  let admin = "";
  let release: () => Promise<void> = async () => undefined;
  return {
    name: "postgres",
    setUp: async () => {
      const database = await testPostgresDatabase("store");
      const url = new URL(database.url);
      url.pathname = "/postgres";
      admin = url.toString();
      release = database.release;
    },
    freshUrl: () => createDatabaseOn(admin, "store"),
    tearDown: () => release(),
  };
}

export interface StoreTestContext {
  readonly dialect: StoreDialect;
  /** A new empty store (or the one at `url`); closed after the suite. */
  open(url?: string, options?: OpenStoreOptions): Promise<Store>;
  /** The URL of a new, empty database of this dialect. */
  freshUrl(): Promise<string>;
}

/** Defines `body`'s tests once per dialect, each in its own `describe`. */
export function describeStoreConformance(
  title: string,
  body: (context: StoreTestContext) => void,
): void {
  for (const target of [sqliteTarget(), postgresTarget()]) {
    describe(`${title}: ${target.name}`, () => {
      const opened: Store[] = [];
      before(() => target.setUp());
      after(async () => {
        await Promise.all(opened.map((store) => store.close()));
        await target.tearDown();
      });
      body({
        dialect: target.name,
        freshUrl: () => target.freshUrl(),
        open: async (url, options) => {
          const store = await openStore(url ?? (await target.freshUrl()), options);
          opened.push(store);
          return store;
        },
      });
    });
  }
}

export const rejectsWith = (promise: Promise<unknown>, code: ErrorCode): Promise<void> =>
  assert.rejects(promise, (error) => {
    assert.ok(isLifeboatError(error), `expected ${code}, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });

/** A clock the test moves by hand. */
export function manualClock(start = Date.parse("2026-03-01T10:00:00.000Z")) {
  let now = start;
  return { now: () => new Date(now), advance: (ms: number) => void (now += ms) };
}
