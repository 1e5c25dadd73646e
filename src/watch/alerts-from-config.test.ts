import { strict as assert } from "node:assert";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, test } from "node:test";
import { ManualClock } from "../model/clock.js";
import { configSchema } from "../model/config.js";
import { isLifeboatError } from "../model/errors.js";
import type { WatchDecision } from "../model/failover-policy.js";
import { RecordingLogger } from "../model/logger.js";
import { Secret } from "../model/secret.js";
import { alertersFromConfig } from "./alerts-from-config.js";
import { signBody } from "./webhook-body.js";

const servers: Server[] = [];
after(() => {
  for (const server of servers) server.closeAllConnections();
  for (const server of servers) server.close();
});

/** A real HTTP receiver that records each request and answers 200. */
async function receiver(): Promise<{
  url: string;
  got: { headers: IncomingHttpHeaders; text: string }[];
}> {
  const got: { headers: IncomingHttpHeaders; text: string }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      got.push({ headers: req.headers, text: Buffer.concat(chunks).toString("utf8") });
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
  kind: "recovered",
  action: null,
  requestedAction: null,
  rule: null,
  reasons: [{ code: "RECOVERED", detail: "3 OKs" }],
  evidence: [],
  quorum: null,
  recoveryPoint: null,
};

function configWith(top: string, own: string, shared: string) {
  return configSchema.parse({
    repository: { url: "file:.lifeboat/repo", passwordEnv: "LIFEBOAT_PASSWORD" },
    providers: { east: { type: "aws", region: "us-east-1" } },
    alerts: { webhooks: [{ url: top, secretEnv: "TOP_SECRET" }, { url: shared }] },
    environments: {
      shop: {
        source: "east",
        select: { tags: { app: "shop" } },
        recovery: { target: "east" },
        alerts: { webhooks: [{ url: own, headers: { "x-team": "shop" } }, { url: shared }] },
      },
    },
  });
}

test("webhooks of the environment and the top level each get every decision, signed when asked", async () => {
  const [top, own, shared] = [await receiver(), await receiver(), await receiver()];
  const config = configWith(top.url, own.url, shared.url);
  const logger = new RecordingLogger();
  const alerters = alertersFromConfig(
    "shop",
    { environment: config.environments.shop?.alerts, top: config.alerts },
    {
      clock: new ManualClock(at, { autoAdvance: true }),
      logger,
      secret: (name) => (name === "TOP_SECRET" ? new Secret("s3cret") : undefined),
    },
  );
  assert.equal(alerters.length, 3, "a URL listed at both levels is one alerter");
  for (const alerter of alerters) alerter.notify(decision);
  await Promise.all(alerters.map((a) => a.idle()));
  assert.equal(top.got.length, 1);
  assert.equal(own.got.length, 1);
  assert.equal(shared.got.length, 1);
  const signed = top.got[0]!;
  assert.equal(signed.headers["x-lifeboat-signature"], signBody(signed.text, "s3cret"));
  assert.equal(own.got[0]?.headers["x-team"], "shop");
  assert.equal(own.got[0]?.headers["x-lifeboat-signature"], undefined);
  assert.equal((JSON.parse(own.got[0]!.text) as { environment: string }).environment, "shop");
  await Promise.all(alerters.map((a) => a.close()));
});

test("a secretEnv that is not set is LB_SECRET_MISSING naming the key, and nothing is made", () => {
  const config = configWith("http://127.0.0.1:1/a", "http://127.0.0.1:1/b", "http://127.0.0.1:1/c");
  assert.throws(
    () =>
      alertersFromConfig(
        "shop",
        { environment: config.environments.shop?.alerts, top: config.alerts },
        { clock: new ManualClock(at), logger: new RecordingLogger(), secret: () => undefined },
      ),
    (e) =>
      isLifeboatError(e, "LB_SECRET_MISSING") &&
      (e.details as { path: string }).path === "alerts.webhooks.0.secretEnv",
  );
});

test("no alerts configured: no alerters", () => {
  const none = alertersFromConfig(
    "shop",
    {},
    {
      clock: new ManualClock(at),
      logger: new RecordingLogger(),
      secret: () => undefined,
    },
  );
  assert.deepEqual(none, []);
});
