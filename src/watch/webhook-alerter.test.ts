import { strict as assert } from "node:assert";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, test } from "node:test";
import { ManualClock } from "../model/clock.js";
import { watchDecisionJsonSchema, type WatchDecision } from "../model/failover-policy.js";
import { RecordingLogger } from "../model/logger.js";
import { probeResult } from "../model/probe-status.js";
import { Secret } from "../model/secret.js";
import { WebhookAlerter } from "./webhook-alerter.js";
import { signBody } from "./webhook-body.js";

interface Received {
  readonly headers: IncomingMessage["headers"];
  readonly text: string;
}

const servers: Server[] = [];
after(() => {
  for (const server of servers) server.closeAllConnections();
  for (const server of servers) server.close();
});

/** A webhook receiver answering each request with the next status of `statuses` (then 200). */
async function receiver(statuses: (number | "hang")[]): Promise<{ url: string; got: Received[] }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      got.push({ headers: req.headers, text: Buffer.concat(chunks).toString("utf8") });
      const status = statuses.shift() ?? 200;
      if (status === "hang") return;
      res.statusCode = status;
      res.end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got };
}

const at = new Date("2026-03-02T10:00:30Z");
const decision: WatchDecision = {
  environment: "shop",
  incidentId: "shop@2026-03-02T10:00:30.000Z",
  at,
  kind: "action",
  action: "failover-with-approval",
  requestedAction: "auto-failover",
  rule: "default",
  reasons: [
    { code: "RULE_MET", detail: "2 of 2 required probes in breach of rule default" },
    { code: "RECOVERY_POINT_STALE", detail: "old" },
  ],
  evidence: [probeResult("http:x", "APP_DOWN", at, 3, "status 503")],
  quorum: { required: 2, met: 2 },
  recoveryPoint: { newestAt: new Date("2026-03-02T08:00:00Z"), budgetMs: 900_000 },
};

test("the webhook receives the decision and is retried after a 500", async () => {
  const { url, got } = await receiver([500]);
  const clock = new ManualClock(at, { autoAdvance: true });
  const logger = new RecordingLogger();
  const alerter = new WebhookAlerter({ url, clock, logger, initialBackoffMs: 2000 });
  alerter.notify(decision);
  await alerter.idle();
  assert.equal(got.length, 2);
  const [first, second] = got.map((r) => JSON.parse(r.text) as Record<string, unknown>);
  assert.deepEqual(first, second);
  assert.equal(first?.type, "lifeboat.watch.decision");
  assert.equal(first?.event, "watch.action");
  assert.equal(first?.severity, "critical");
  const body = watchDecisionJsonSchema.parse(first?.decision);
  assert.equal(body.action, "failover-with-approval");
  assert.equal(body.evidence[0]?.code, "APP_DOWN");
  assert.equal(got[0]?.headers["content-type"], "application/json");
  assert.deepEqual(clock.sleeps, [2000]);
  assert.deepEqual(logger.events(), ["watch.webhook.retry", "watch.webhook.delivered"]);
});

test("attempts are bounded, with doubling backoff, on connection errors", async () => {
  const { url, got } = await receiver([]);
  servers.pop()?.close();
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(got.length, 0);
  const clock = new ManualClock(at, { autoAdvance: true });
  const logger = new RecordingLogger();
  const alerter = new WebhookAlerter({
    url,
    clock,
    logger,
    maxAttempts: 5,
    initialBackoffMs: 1000,
    maxBackoffMs: 5000,
  });
  alerter.notify(decision);
  await alerter.idle();
  assert.deepEqual(clock.sleeps, [1000, 2000, 4000, 5000]);
  assert.equal(logger.events().at(-1), "watch.webhook.failed");
});

test("a 4xx is not retried", async () => {
  const { url, got } = await receiver([404]);
  const clock = new ManualClock(at, { autoAdvance: true });
  const logger = new RecordingLogger();
  const alerter = new WebhookAlerter({ url, clock, logger });
  alerter.notify(decision);
  await alerter.idle();
  assert.equal(got.length, 1);
  assert.deepEqual(logger.events(), ["watch.webhook.rejected"]);
});

test("a secret signs the body", async () => {
  const { url, got } = await receiver([]);
  const clock = new ManualClock(at, { autoAdvance: true });
  const secret = new Secret("s3cret");
  const alerter = new WebhookAlerter({ url, clock, logger: new RecordingLogger(), secret });
  alerter.notify(decision);
  await alerter.idle();
  const [request] = got;
  assert.ok(request);
  assert.equal(request.headers["x-lifeboat-signature"], signBody(request.text, "s3cret"));
});

test("a receiver that hangs never blocks the caller", async () => {
  const { url, got } = await receiver(["hang"]);
  const clock = new ManualClock(at, { autoAdvance: true });
  const alerter = new WebhookAlerter({ url, clock, logger: new RecordingLogger() });
  alerter.notify(decision); // returns at once
  alerter.notify({ ...decision, kind: "recovered" });
  while (got.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  await alerter.close();
  assert.equal(got.length, 1);
});

test("queued decisions are delivered one at a time, in order", async () => {
  const { url, got } = await receiver([503]);
  const clock = new ManualClock(at, { autoAdvance: true });
  const alerter = new WebhookAlerter({ url, clock, logger: new RecordingLogger() });
  const kinds = ["action", "suppressed", "recovered"] as const;
  for (const kind of kinds) alerter.notify({ ...decision, kind });
  await alerter.idle();
  alerter.notify({ ...decision, kind: "action", at: new Date("2026-03-02T11:00:00Z") });
  await alerter.idle();
  const events = got.map((r) => (JSON.parse(r.text) as { event: string }).event);
  assert.deepEqual(events, [
    "watch.action",
    "watch.action",
    "watch.suppressed",
    "watch.recovered",
    "watch.action",
  ]);
});
