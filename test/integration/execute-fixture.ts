/**
 * Shared pieces of the executor's integration tests: store targets for both dialects, plan
 * builders and small real step handlers (they keep their "resources" in a map and count calls;
 * find-or-create by idempotency key, as a provider handler does with tags).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ExecutableStep, ExecutionPlan } from "../../src/execute/execution-plan.js";
import type { StepHandler, StepHandlers } from "../../src/execute/step-handler.js";
import { LifeboatError } from "../../src/model/errors.js";
import { createEnvironment } from "../../src/store/environments-repo.js";
import { openStore, type OpenStoreOptions } from "../../src/store/open-store.js";
import type { Store } from "../../src/store/store.js";
import { createDatabaseOn, testPostgresDatabase } from "../harness/postgres.js";

/** Where fresh, migrated stores of one dialect come from. */
export interface StoreTarget {
  readonly name: "sqlite" | "postgres";
  setUp(): Promise<void>;
  /** A fresh store with environment `shop`; the URL lets other handles/processes open it. */
  fresh(options?: OpenStoreOptions): Promise<{ store: Store; url: string }>;
  open(url: string, options?: OpenStoreOptions): Promise<Store>;
  /**
   * A second handle on the store, as another process would have. On SQLite it is the same
   * handle: better-sqlite3 blocks the thread while it waits for a lock, so two connections in
   * one process would deadlock until the busy timeout (separate processes do not).
   */
  peer(url: string, store: Store): Promise<Store>;
  tearDown(): Promise<void>;
}

export function storeTargets(): StoreTarget[] {
  return [target("sqlite"), target("postgres")];
}

function target(name: "sqlite" | "postgres"): StoreTarget {
  const opened: Store[] = [];
  let dir = "";
  let admin = "";
  let release: () => Promise<void> = async () => undefined;
  let n = 0;
  const open = async (url: string, options?: OpenStoreOptions) => {
    const store = await openStore(url, options);
    opened.push(store);
    return store;
  };
  return {
    name,
    setUp: async () => {
      dir = mkdtempSync(join(tmpdir(), "lifeboat-execute-"));
      if (name === "postgres") {
        const database = await testPostgresDatabase("execute");
        const url = new URL(database.url);
        url.pathname = "/postgres";
        admin = url.toString();
        release = database.release;
      }
    },
    fresh: async (options) => {
      const url =
        name === "sqlite"
          ? `sqlite:${join(dir, `state-${++n}.db`)}`
          : await createDatabaseOn(admin, "execute");
      const store = await open(url, options);
      await createEnvironment(store, { name: "shop", configDigest: "d" });
      return { store, url };
    },
    open,
    peer: async (url, store) => (name === "sqlite" ? store : await open(url)),
    tearDown: async () => {
      await Promise.all(opened.map((s) => s.close()));
      await release();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A step of kind `make` with the given dependencies; the key is derived from the id. */
export function step(id: string, dependsOn: string[] = [], input: unknown = {}): ExecutableStep {
  return { id, kind: "make", dependsOn, idempotencyKey: `k-${id}`, input: input as never };
}

export function plan(steps: ExecutableStep[], bindings?: Record<string, string>): ExecutionPlan {
  return bindings ? { steps, bindings } : { steps };
}

/** What the recording handler saw, in order. */
export interface Trace {
  /** `start:<id>`, `end:<id>`, `undo:<id>` in the order they happened. */
  readonly log: string[];
  /** Calls of `execute` per step id. */
  readonly calls: Map<string, number>;
  /** The "cloud": idempotency key → resource id. */
  readonly made: Map<string, string>;
  /** Inputs each step saw, references bound. */
  readonly inputs: Map<string, unknown>;
  /** Undo calls per step id. */
  readonly undos: Map<string, number>;
}

export function newTrace(): Trace {
  return { log: [], calls: new Map(), made: new Map(), inputs: new Map(), undos: new Map() };
}

export interface RecordingOptions {
  /** Runs inside `execute` before it returns, after the resource exists. */
  readonly during?: (stepId: string, signal: AbortSignal, attempt: number) => Promise<void>;
}

/** Find-or-create in `trace.made`; undo deletes. Outputs `{ id }`. */
export function recordingHandler(trace: Trace, options: RecordingOptions = {}): StepHandler {
  let next = 0;
  return {
    async execute(s, ctx) {
      trace.calls.set(s.id, (trace.calls.get(s.id) ?? 0) + 1);
      trace.inputs.set(s.id, ctx.input);
      trace.log.push(`start:${s.id}`);
      const found = trace.made.get(ctx.idempotencyKey);
      const id = found ?? `res-${s.id}-${++next}`;
      if (!found) trace.made.set(ctx.idempotencyKey, id);
      await options.during?.(s.id, ctx.signal, ctx.attempt);
      trace.log.push(`end:${s.id}`);
      return { outputs: { id }, resolution: found ? "adopted" : "created" };
    },
    async undo(s, _outputs, ctx) {
      trace.undos.set(s.id, (trace.undos.get(s.id) ?? 0) + 1);
      trace.log.push(`undo:${s.id}`);
      return trace.made.delete(ctx.idempotencyKey) ? "deleted" : "absent";
    },
  };
}

export function handlers(handler: StepHandler): StepHandlers {
  return { make: handler };
}

/** A promise with its resolve function outside. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Resolves when `signal` aborts, then throws LB_CANCELLED (a handler honouring cancel). */
export function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () => reject(new LifeboatError("LB_CANCELLED", "aborted"));
    if (signal.aborted) fail();
    else signal.addEventListener("abort", fail, { once: true });
  });
}
