import { strict as assert } from "node:assert";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, test } from "node:test";
import { ManualClock } from "../model/clock.js";
import { normalizeFailoverPolicy, type WatchDecision } from "../model/failover-policy.js";
import { RecordingLogger } from "../model/logger.js";
import { probeResult } from "../model/probe-status.js";
import type { DecisionListener, DecisionSink } from "./decision-sink.js";
import { heartbeatProbe } from "./freshness-probe.js";
import { httpProbe } from "./http-probe.js";
import type { Probe } from "./probe.js";
import { tcpProbe } from "./tcp-probe.js";
import { Watcher } from "./watcher.js";
import { WebhookAlerter } from "./webhook-alerter.js";

const servers: Server[] = [];
after(() => {
  for (const server of servers) server.closeAllConnections();
  for (const server of servers) server.close();
});

async function listen(server: Server, port = 0): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

class RecordingSink implements DecisionSink {
  readonly decisions: WatchDecision[] = [];
  async record(decision: WatchDecision): Promise<void> {
    this.decisions.push(decision);
  }
}

test("the watcher acts on a quorum of real probes, records, alerts, and clears", async () => {
  let mode: "up" | "error" = "up";
  const app = () => createServer((_, res) => res.writeHead(mode === "up" ? 200 : 503).end("ok"));
  let appServer = app();
  const port = await listen(appServer);
  const hooks: unknown[] = [];
  const hookPort = await listen(
    createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        hooks.push(JSON.parse(Buffer.concat(chunks).toString("utf8")));
        res.end();
      });
    }),
  );

  const clock = new ManualClock("2026-03-02T10:00:00Z");
  const logger = new RecordingLogger();
  const sink = new RecordingSink();
  const alerter = new WebhookAlerter({
    url: `http://127.0.0.1:${hookPort}/hook`,
    clock: new ManualClock("2026-03-02T10:00:00Z", { autoAdvance: true }),
    logger,
  });
  const base = `http://127.0.0.1:${port}`;
  const watcher = new Watcher({
    environment: "shop",
    probes: [
      { probe: httpProbe({ url: `${base}/health`, timeoutMs: 2000, clock }), everyMs: 10_000 },
      { probe: tcpProbe({ host: "127.0.0.1", port, timeoutMs: 2000, clock }), everyMs: 10_000 },
    ],
    policy: normalizeFailoverPolicy(
      { action: "auto-failover", after: 3, recoverAfter: 2 },
      900_000,
    ),
    newestRecoveryPoint: async () => new Date(clock.now().getTime() - 60_000),
    clock,
    logger,
    sink,
    listeners: [alerter],
  });
  const round = async () => {
    const decisions = await watcher.runRound();
    clock.advance(10_000);
    return decisions;
  };

  for (let i = 0; i < 3; i++) assert.deepEqual(await round(), []);
  assert.deepEqual(
    watcher.status().probes.map((p) => p.latest?.code),
    ["OK", "OK"],
  );

  mode = "error"; // the application fails, the host still accepts connections: 1 of 2 probes
  for (let i = 0; i < 5; i++) assert.deepEqual(await round(), []);

  await close(appServer); // now both probes fail
  assert.deepEqual(await round(), []);
  assert.deepEqual(await round(), []);
  const [action] = await round();
  assert.equal(action?.kind, "action");
  assert.equal(action?.action, "auto-failover");
  assert.deepEqual(
    new Set(action?.evidence.map((r) => r.code)),
    new Set(["HOST_DOWN", "APP_DOWN"]),
  );
  assert.deepEqual(sink.decisions, [action]);
  assert.ok(watcher.status().incident !== null);

  mode = "up";
  appServer = app();
  await listen(appServer, port);
  assert.deepEqual(await round(), []);
  const [recovered] = await round();
  assert.equal(recovered?.kind, "recovered");
  assert.equal(sink.decisions.length, 2);
  assert.equal(watcher.status().incident, null);

  await alerter.idle();
  assert.deepEqual(
    hooks.map((h) => (h as { event: string }).event),
    ["watch.action", "watch.recovered"],
  );
  const events = logger.events();
  for (const event of [
    "watch.probe.status",
    "watch.incident.opened",
    "watch.decision.action",
    "watch.decision.recovered",
    "watch.webhook.delivered",
  ]) {
    assert.ok(events.includes(event), event);
  }
});

test("a failing sink is logged with the decision and alerts still go out", async () => {
  const clock = new ManualClock();
  const logger = new RecordingLogger();
  const notified: WatchDecision[] = [];
  const listener: DecisionListener = { notify: (d) => notified.push(d) };
  const watcher = new Watcher({
    environment: "shop",
    probes: [
      {
        probe: heartbeatProbe({
          agent: "a",
          maxAgeMs: 1,
          newestHeartbeat: async () => null,
          clock,
        }),
        everyMs: 1000,
      },
    ],
    policy: normalizeFailoverPolicy({ action: "alert", after: 1 }),
    clock,
    logger,
    sink: {
      record: async () => {
        throw new Error("store unreachable");
      },
    },
    listeners: [listener],
  });
  const decisions = await watcher.runRound();
  assert.equal(decisions.length, 1);
  assert.equal(notified.length, 1);
  assert.ok(logger.events().includes("watch.decision.unrecorded"));
});

test("start runs every probe on its interval of the injected clock; stop ends the loops", async () => {
  const clock = new ManualClock();
  let runs = 0;
  const probe: Probe = {
    id: "counter",
    kind: "tcp",
    run: async () => {
      runs++;
      return probeResult("counter", "OK", clock.now(), 1, "ok");
    },
  };
  const watcher = new Watcher({
    environment: "shop",
    probes: [{ probe, everyMs: 30_000 }],
    policy: normalizeFailoverPolicy({ action: "alert" }),
    clock,
    logger: new RecordingLogger(),
    sink: new RecordingSink(),
  });
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  watcher.start();
  await settle();
  assert.equal(runs, 1);
  clock.advance(29_999);
  await settle();
  assert.equal(runs, 1);
  clock.advance(1);
  await settle();
  assert.equal(runs, 2);
  await watcher.stop();
  clock.advance(60_000);
  await settle();
  assert.equal(runs, 2);
  assert.equal(watcher.status().probes[0]?.okStreak, 2);
});
