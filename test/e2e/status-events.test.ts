// `lifeboat status <env>` and `lifeboat events <env>` through the built CLI, on SQLite and on
// PostgreSQL state. The store is written the way the watcher and the executor write it (the
// decision sink, the repos); the CLI reads it back as a user would.
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import type { WatchDecision } from "../../src/model/failover-policy.js";
import { probeResult } from "../../src/model/probe-status.js";
import {
  createEnvironment,
  getEnvironment,
  updateEnvironment,
} from "../../src/store/environments-repo.js";
import { appendEvent } from "../../src/store/events-repo.js";
import { recordInventoryCapture } from "../../src/store/inventory-versions-repo.js";
import { openStore } from "../../src/store/open-store.js";
import { createRun, updateRun } from "../../src/store/runs-repo.js";
import type { Store } from "../../src/store/store.js";
import { storeDecisionSink } from "../../src/watch/store-decision-sink.js";
import { testPostgresDatabase } from "../harness/postgres.js";
import { expectError, expectJson } from "./capture-fixture.js";
import { cliPath, makeTempDir, runLifeboat } from "./cli.js";
import { ConfigBuilder } from "./config-builder.js";

interface StatusJson {
  status: string;
  recorded: boolean;
  source: { connection: string; region: string };
  capture: { version: number; resources: number; ageMs: number } | null;
  recoveryPoint: { newest: unknown; budgetMs: number | null; withinBudget: boolean | null };
  incident: {
    id: string;
    action: string | null;
    requestedAction: string | null;
    decisions: number;
    latest: { eventId: number; evidence: { probeId: string; code: string }[] };
  } | null;
  decisions: { eventId: number; kind: string; summary: string }[];
  activeRuns: { id: string; mode: string; phase: string; orphaned: boolean }[];
  latestRun: { id: string } | null;
}
interface EventJson {
  id: number;
  type: string;
  severity: string;
  data: Record<string, unknown>;
}

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000);

function decision(kind: WatchDecision["kind"], at: Date, incidentAt: Date): WatchDecision {
  const incidentId = `shop@${incidentAt.toISOString()}`;
  if (kind === "recovered") {
    return {
      environment: "shop",
      incidentId,
      at,
      kind,
      action: null,
      requestedAction: null,
      rule: null,
      reasons: [{ code: "RECOVERED", detail: "3 consecutive OKs" }],
      evidence: [probeResult("http:shop", "OK", at, 12, "200 in 12 ms")],
      quorum: null,
      recoveryPoint: null,
    };
  }
  return {
    environment: "shop",
    incidentId,
    at,
    kind,
    action: "failover-with-approval",
    requestedAction: "auto-failover",
    rule: "default",
    reasons: [
      { code: "RULE_MET", detail: "2 probe(s) in breach of rule default (quorum 2)" },
      { code: "RECOVERY_POINT_MISSING", detail: "no recovery point recorded" },
    ],
    evidence: [
      probeResult("http:shop", "APP_DOWN", incidentAt, null, "no answer within 5000 ms"),
      probeResult("tcp:shop", "HOST_DOWN", incidentAt, null, "connection refused"),
    ],
    quorum: { required: 2, met: 2 },
    recoveryPoint: { newestAt: null, budgetMs: 900_000 },
  };
}

for (const dialect of ["sqlite", "postgres"] as const) {
  describe(`status and events on ${dialect} state`, async () => {
    const tmp = makeTempDir("lifeboat-e2e-status-");
    const database = dialect === "postgres" ? await testPostgresDatabase("status") : null;
    const stateUrl = database?.url ?? `sqlite:${join(tmp.path, ".lifeboat", "state.db")}`;
    const config = ConfigBuilder.shop()
      .set("state", stateUrl)
      .set("environments.shop.protect", [{ volumes: { tags: { app: "shop" } }, rpo: "15m" }])
      .writeTo(tmp.path);
    const cli = (args: readonly string[]) =>
      runLifeboat([...args, "--config", config], { cwd: tmp.path });
    let store: Store | undefined;
    const opened = minutesAgo(9);
    after(async () => {
      await store?.close();
      await database?.release();
      tmp.remove();
    });

    test("before anything is recorded: active, no capture, no recovery point, nothing open", async () => {
      const s = expectJson<StatusJson>(await cli(["status", "shop", "--json"]));
      assert.equal(s.status, "active");
      assert.equal(s.recorded, false);
      assert.deepEqual(s.source, { connection: "east", region: "us-east-1" });
      assert.equal(s.capture, null);
      assert.deepEqual(s.recoveryPoint, { newest: null, budgetMs: 900_000, withinBudget: false });
      assert.equal(s.incident, null);
      assert.deepEqual(s.decisions, []);
      assert.deepEqual(s.activeRuns, []);
      const human = await cli(["status", "shop"]);
      assert.equal(human.code, 0, human.stderr);
      assert.match(human.stdout, /^shop: ACTIVE — the source is primary/);
      assert.match(human.stdout, /Recovery point: none recorded; RPO budget 15 min — OVER BUDGET/);
      assert.match(human.stdout, /Incident: none open/);
    });

    test("status shows the capture, the open incident with its evidence, and an orphaned run", async () => {
      store = await openStore(stateUrl, { baseDir: tmp.path });
      await createEnvironment(store, { name: "shop", configDigest: "sha256:test" });
      await recordInventoryCapture(store, {
        environment: "shop",
        capturedAt: minutesAgo(12),
        digest: "sha256:v1",
        snapshotId: "snap1",
        counts: { network: 1, subnet: 4, instance: 3 },
      });
      const sink = storeDecisionSink(store);
      await sink.record(decision("recovered", minutesAgo(30), minutesAgo(40)));
      await sink.record(decision("action", opened, opened));
      await sink.record(decision("suppressed", minutesAgo(3), opened));
      await appendEvent(store, { environment: "shop", type: "config.changed", severity: "info" });
      const run = await createRun(store, { environment: "shop", mode: "failover" });
      await updateRun(store, run.id, run.revision, { phase: "running", startedAt: minutesAgo(2) });

      const s = expectJson<StatusJson>(await cli(["status", "shop", "--json"]));
      assert.equal(s.recorded, true);
      assert.equal(s.capture?.version, 1);
      assert.equal(s.capture?.resources, 8);
      assert.ok(s.capture && s.capture.ageMs >= 12 * 60_000, String(s.capture?.ageMs));
      assert.equal(s.incident?.id, `shop@${opened.toISOString()}`);
      assert.equal(s.incident?.action, "failover-with-approval");
      assert.equal(s.incident?.requestedAction, "auto-failover");
      assert.equal(s.incident?.decisions, 2);
      assert.deepEqual(
        s.incident?.latest.evidence.map((e) => [e.probeId, e.code]),
        [
          ["http:shop", "APP_DOWN"],
          ["tcp:shop", "HOST_DOWN"],
        ],
      );
      assert.deepEqual(
        s.decisions.map((d) => d.kind),
        ["recovered", "action", "suppressed"],
      );
      assert.deepEqual(
        s.activeRuns.map((r) => [r.id, r.mode, r.phase, r.orphaned]),
        [[run.id, "failover", "running", true]],
      );
      assert.equal(s.latestRun?.id, run.id);

      const human = await cli(["status", "shop"]);
      assert.equal(human.code, 0, human.stderr);
      assert.match(
        human.stdout,
        /Capture: inventory v1, 8 resources, captured .* UTC \(\d+ min ago\)/,
      );
      assert.match(human.stdout, /Incident: OPEN since .* UTC \(\d+ min ago\)/);
      assert.match(human.stdout, /a rule asked for auto-failover/);
      assert.match(human.stdout, /http:shop APP_DOWN at .*: no answer within 5000 ms/);
      assert.match(human.stdout, new RegExp(`ORPHANED .*: lifeboat resume ${run.id}`));

      const two = expectJson<StatusJson>(
        await cli(["status", "shop", "--decisions", "2", "--json"]),
      );
      assert.deepEqual(
        two.decisions.map((d) => d.kind),
        ["action", "suppressed"],
      );
      assert.equal(
        expectError(await cli(["status", "shop", "--decisions", "x", "--json"]), 2).code,
        "LB_USAGE",
      );
    });

    test("a failed-over environment and a recovered incident read as such", async () => {
      assert.ok(store);
      const row = await getEnvironment(store, "shop");
      await updateEnvironment(store, "shop", row!.revision, { status: "failed-over" });
      await storeDecisionSink(store).record(decision("recovered", minutesAgo(1), opened));
      const s = expectJson<StatusJson>(await cli(["status", "shop", "--json"]));
      assert.equal(s.status, "failed-over");
      assert.equal(s.incident, null);
      const human = await cli(["status", "shop"]);
      assert.match(
        human.stdout,
        /^shop: FAILED-OVER — the recovered copy in the target is serving/,
      );
    });

    test("events: newest N oldest first, by type or type prefix, cursor, errors", async () => {
      const all = expectJson<{ events: EventJson[] }>(await cli(["events", "shop", "--json"]));
      assert.deepEqual(
        all.events.map((e) => e.type),
        [
          "watch.recovered",
          "watch.action",
          "watch.suppressed",
          "config.changed",
          "watch.recovered",
        ],
      );
      assert.ok(all.events.every((e, i) => i === 0 || e.id > all.events[i - 1]!.id));
      assert.equal(all.events[1]?.severity, "critical");
      assert.equal((all.events[1]?.data.evidence as unknown[]).length, 2);
      const last2 = expectJson<{ events: EventJson[] }>(
        await cli(["events", "shop", "--limit", "2", "--json"]),
      );
      assert.deepEqual(last2.events, all.events.slice(-2));
      const recovered = expectJson<{ events: EventJson[] }>(
        await cli(["events", "shop", "--type", "watch.recovered", "--json"]),
      );
      assert.equal(recovered.events.length, 2);
      const watch = expectJson<{ events: EventJson[] }>(
        await cli(["events", "shop", "--type", "watch.", "--json"]),
      );
      assert.equal(watch.events.length, 4);
      const since = expectJson<{ events: EventJson[] }>(
        await cli(["events", "shop", "--after", String(all.events[2]!.id), "--json"]),
      );
      assert.deepEqual(since.events, all.events.slice(3));
      const human = await cli(["events", "shop"]);
      assert.match(
        human.stdout,
        /CRITICAL\s+watch\.action\s+shop: failover-with-approval .*RULE_MET/,
      );
      assert.equal(
        expectError(await cli(["events", "nope", "--json"]), 3).code,
        "LB_ENV_NOT_FOUND",
      );
      assert.equal(
        expectError(await cli(["events", "shop", "--limit", "0", "--json"]), 2).code,
        "LB_USAGE",
      );
    });

    test("events --follow prints new rows as NDJSON until interrupted", async () => {
      assert.ok(store);
      const child = spawn(
        process.execPath,
        [
          cliPath,
          "events",
          "shop",
          "--follow",
          "--json",
          "--limit",
          "1",
          "--poll",
          "100",
          "--config",
          config,
        ],
        { cwd: tmp.path, stdio: ["ignore", "pipe", "pipe"] },
      );
      let out = "";
      child.stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
      const exited = new Promise<number | null>((resolve) =>
        child.on("close", (code) => resolve(code)),
      );
      const lines = () =>
        out
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l) as EventJson);
      const until = async (what: () => boolean) => {
        for (let i = 0; i < 600 && !what(); i++) await new Promise((r) => setTimeout(r, 50));
        assert.ok(what(), `follow output: ${out}`);
      };
      await until(() => lines().length === 1);
      const added = await appendEvent(store, {
        environment: "shop",
        type: "failover.started",
        severity: "warning",
        data: { runId: "r1" },
      });
      await appendEvent(store, { environment: "other", type: "x", severity: "info" });
      await until(() => lines().length === 2);
      child.kill("SIGTERM");
      assert.equal(await exited, 0);
      assert.deepEqual(lines()[1], {
        id: added.id,
        environment: "shop",
        runId: null,
        at: added.at.toISOString(),
        type: "failover.started",
        severity: "warning",
        data: { runId: "r1" },
      });
    });
  });
}
