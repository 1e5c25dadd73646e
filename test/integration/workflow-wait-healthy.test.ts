/**
 * `wait-healthy` through the real runner against local servers: an HTTP service that answers
 * 503 for its first requests and 200 after, one that never gets healthy (LB_WAIT_HEALTHY_TIMEOUT
 * with the last status), `healthyAfter` needing a streak, and the tcp probe.
 */
import { strict as assert } from "node:assert";
import { createServer, type Server } from "node:http";
import { createServer as createTcpServer } from "node:net";
import type { AddressInfo } from "node:net";
import { describe, test } from "node:test";
import { freePort } from "../harness/free-port.js";
import { runSteps, stepOf } from "./workflow-builtins-fixture.js";

/** An HTTP server answering `statuses[i]` to request i (the last one from then on). */
async function serve(
  statuses: readonly number[],
): Promise<{ url: string; hits: () => number; server: Server }> {
  let hits = 0;
  const server = createServer((_req, res) => {
    const status = statuses[Math.min(hits, statuses.length - 1)] ?? 200;
    hits += 1;
    res.writeHead(status).end(status === 200 ? "ready" : "starting");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/health`, hits: () => hits, server };
}

describe("wait-healthy", () => {
  test("waits through 503s until the service answers 200", async () => {
    const svc = await serve([503, 503, 503, 200]);
    try {
      const { report } = await runSteps([
        {
          id: "up",
          action: "wait-healthy",
          with: { http: { url: svc.url, bodyContains: "ready" }, every: "20ms", timeout: "1m" },
        },
      ]);
      assert.equal(report.phase, "succeeded", JSON.stringify(report.error));
      const outputs = stepOf(report, "up").outputs;
      assert.equal(outputs?.attempts, 4);
      assert.equal(outputs?.status, "OK");
      assert.equal(svc.hits(), 4);
    } finally {
      svc.server.close();
    }
  });

  test("healthyAfter needs that many healthy answers in a row", async () => {
    const svc = await serve([200, 503, 200, 200]);
    try {
      const { report } = await runSteps([
        {
          id: "up",
          action: "wait-healthy",
          with: { http: { url: svc.url }, every: "20ms", healthyAfter: 2 },
        },
      ]);
      assert.equal(report.phase, "succeeded", JSON.stringify(report.error));
      assert.equal(stepOf(report, "up").outputs?.attempts, 4);
    } finally {
      svc.server.close();
    }
  });

  test("never healthy: LB_WAIT_HEALTHY_TIMEOUT with the last status", async () => {
    const svc = await serve([500]);
    try {
      const { report } = await runSteps([
        {
          id: "up",
          action: "wait-healthy",
          with: { http: { url: svc.url }, every: "20ms", timeout: "200ms" },
        },
      ]);
      assert.equal(report.phase, "failed");
      const error = stepOf(report, "up").error;
      assert.equal(error?.code, "LB_WAIT_HEALTHY_TIMEOUT");
      assert.equal(error?.details?.status, "APP_DOWN");
      assert.ok(svc.hits() >= 1);
    } finally {
      svc.server.close();
    }
  });

  test("tcp: a listening port is healthy, a closed one times out as HOST_DOWN", async () => {
    const listening = createTcpServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => listening.listen(0, "127.0.0.1", resolve));
    const { port } = listening.address() as AddressInfo;
    const closed = await freePort();
    try {
      const { report } = await runSteps([
        { id: "open", action: "wait-healthy", with: { tcp: { host: "127.0.0.1", port } } },
        {
          id: "shut",
          action: "wait-healthy",
          with: { tcp: { host: "127.0.0.1", port: closed }, every: "20ms", timeout: "150ms" },
        },
      ]);
      assert.equal(stepOf(report, "open").phase, "succeeded");
      assert.equal(stepOf(report, "shut").error?.code, "LB_WAIT_HEALTHY_TIMEOUT");
      assert.equal(stepOf(report, "shut").error?.details?.status, "HOST_DOWN");
    } finally {
      listening.close();
    }
  });
});
