import { strict as assert } from "node:assert";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { LifeboatError } from "../../model/errors.js";
import type { Backend } from "../backend.js";
import { FsBackend } from "./fs-backend.js";
import { limitBackend } from "./limit-backend.js";
import { retryBackend } from "./retry-backend.js";

let root: string;
let fs: Backend;
before(async () => {
  root = await mkdtemp(join(tmpdir(), "lifeboat-deco-"));
  fs = new FsBackend(root);
});
after(() => rm(root, { recursive: true, force: true }));

/** Fault injection around a real backend: the next `failures` calls throw `error`. */
function flaky(inner: Backend, failures: number, error: LifeboatError) {
  const state = { calls: 0, left: failures };
  const gate = async <T>(body: () => Promise<T>): Promise<T> => {
    state.calls++;
    if (state.left > 0) {
      state.left--;
      throw error;
    }
    return body();
  };
  const backend: Backend = {
    location: inner.location,
    save: (t, n, d) => gate(() => inner.save(t, n, d)),
    load: (t, n, r) => gate(() => inner.load(t, n, r)),
    stat: (t, n) => gate(() => inner.stat(t, n)),
    list: (t) => gate(() => inner.list(t)),
    remove: (t, n) => gate(() => inner.remove(t, n)),
    close: () => inner.close(),
  };
  return { backend, state };
}

const unavailable = new LifeboatError("LB_REPO_BACKEND_UNAVAILABLE", "503");
const denied = new LifeboatError("LB_REPO_BACKEND_UNAVAILABLE", "403", { retryable: false });
const noSleep = { sleep: async () => {}, random: () => 0.5 };

test("retry: retryable failures are retried until the operation succeeds", async () => {
  const data = randomBytes(10);
  const name = createHash("sha256").update(data).digest("hex");
  const { backend, state } = flaky(fs, 3, unavailable);
  const delays: number[] = [];
  const retrying = retryBackend(backend, {
    ...noSleep,
    sleep: async (ms) => void delays.push(ms),
    baseDelayMs: 100,
  });
  assert.equal((await retrying.save("index", name, data)).created, true);
  assert.equal(state.calls, 4);
  assert.deepEqual(delays, [50, 100, 200]);
});

test("retry: permanent failures and missing objects are not retried", async () => {
  const { backend, state } = flaky(fs, 1, denied);
  await assert.rejects(retryBackend(backend, noSleep).list("index"), {
    code: "LB_REPO_BACKEND_UNAVAILABLE",
  });
  assert.equal(state.calls, 1);
  const missing = flaky(fs, 0, unavailable);
  await assert.rejects(retryBackend(missing.backend, noSleep).load("index", "0".repeat(64)), {
    code: "LB_REPO_OBJECT_MISSING",
  });
  assert.equal(missing.state.calls, 1);
});

test("retry: gives up after the configured attempts with the last error", async () => {
  const { backend, state } = flaky(fs, 10, unavailable);
  await assert.rejects(retryBackend(backend, { ...noSleep, attempts: 3 }).list("keys"), {
    code: "LB_REPO_BACKEND_UNAVAILABLE",
  });
  assert.equal(state.calls, 3);
});

test("limit: never more operations in flight than the cap", async () => {
  let inFlight = 0;
  let peak = 0;
  const slow: Backend = {
    ...fs,
    location: fs.location,
    save: async (t, n, d) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      try {
        return await fs.save(t, n, d);
      } finally {
        inFlight--;
      }
    },
  };
  const limited = limitBackend(slow, 3);
  const blobs = Array.from({ length: 20 }, () => randomBytes(16));
  const results = await Promise.all(
    blobs.map((b) => limited.save("locks", createHash("sha256").update(b).digest("hex"), b)),
  );
  assert.equal(results.filter((r) => r.created).length, 20);
  assert.equal(peak, 3);
  assert.equal((await fs.list("locks")).length, 20);
});
