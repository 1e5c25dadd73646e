import { strict as assert } from "node:assert";
import { createServer, type RequestListener, type Server } from "node:http";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { getEventListeners } from "node:events";
import { after, test } from "node:test";
import { ManualClock } from "../model/clock.js";
import { httpProbe, type HttpProbeOptions } from "./http-probe.js";

const servers: Server[] = [];
after(() => {
  for (const server of servers) server.closeAllConnections();
  for (const server of servers) server.close();
});

async function serve(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A port nothing listens on: bind to 0, note the port, close. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const clock = new ManualClock("2026-03-02T10:00:00Z");
const run = (options: Omit<HttpProbeOptions, "clock" | "timeoutMs"> & { timeoutMs?: number }) =>
  httpProbe({ timeoutMs: 2000, clock, ...options }).run(new AbortController().signal);

test("a healthy endpoint is OK, stamped with the injected clock", async () => {
  const url = await serve((_, res) => res.end("status: healthy"));
  const result = await run({ url: `${url}/health`, bodyContains: "healthy" });
  assert.equal(result.code, "OK");
  assert.equal(result.severity, "info");
  assert.equal(result.probeId, `http:${url}/health`);
  assert.deepEqual(result.at, clock.now());
  assert.ok(result.latencyMs !== null && result.latencyMs >= 0);
});

test("an unexpected status or body is APP_DOWN", async () => {
  const url = await serve((req, res) => {
    res.statusCode = req.url === "/broken" ? 503 : 200;
    res.end(req.url === "/teapot" ? "short and stout" : "ok");
  });
  assert.equal((await run({ url: `${url}/broken` })).code, "APP_DOWN");
  assert.equal((await run({ url: `${url}/`, expectStatus: 204 })).code, "APP_DOWN");
  assert.equal(
    (await run({ url: `${url}/broken`, expectStatus: { min: 500, max: 503 } })).code,
    "OK",
  );
  assert.equal((await run({ url: `${url}/`, bodyContains: "healthy" })).code, "APP_DOWN");
  assert.equal((await run({ url: `${url}/teapot`, bodyMatches: /^short/ })).code, "OK");
  assert.equal((await run({ url: `${url}/`, bodyMatches: /^short/ })).code, "APP_DOWN");
});

test("a correct but slow answer is DEGRADED", async () => {
  const url = await serve((_, res) => setTimeout(() => res.end("ok"), 120));
  const result = await run({ url, slowerThanMs: 20 });
  assert.equal(result.code, "DEGRADED");
  assert.equal(result.severity, "warning");
  assert.equal((await run({ url, slowerThanMs: 5000 })).code, "OK");
});

test("an application that accepts but never answers is APP_DOWN after the timeout", async () => {
  const url = await serve(() => undefined);
  const result = await run({ url, timeoutMs: 150 });
  assert.equal(result.code, "APP_DOWN");
  assert.equal(result.latencyMs, null);
});

test("a TLS handshake that fails once connected is APP_DOWN", async () => {
  const server = createNetServer((socket) => socket.end("this is not TLS\r\n"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const result = await run({ url: `https://127.0.0.1:${port}/health` });
    assert.equal(result.code, "APP_DOWN");
  } finally {
    server.close(); // its close callback can outlive the event loop here; nothing awaits it
  }
});

test("a refused connection is HOST_DOWN", async () => {
  const port = await closedPort();
  assert.equal((await run({ url: `http://127.0.0.1:${port}/health` })).code, "HOST_DOWN");
});

test("a host name that does not resolve is DNS_FAILURE", async () => {
  assert.equal((await run({ url: "http://lifeboat-probe.invalid/" })).code, "DNS_FAILURE");
});

test("a cancelled probe is UNKNOWN and returns promptly", async () => {
  const url = await serve(() => undefined);
  const controller = new AbortController();
  const pending = httpProbe({ url, timeoutMs: 60_000, clock }).run(controller.signal);
  setTimeout(() => controller.abort(), 20);
  assert.equal((await pending).code, "UNKNOWN");
});

test("runs leave no listener on the watcher's long-lived signal", async () => {
  const url = await serve((_, res) => res.end("ok"));
  const controller = new AbortController();
  const probe = httpProbe({ url, timeoutMs: 2000, clock });
  for (let i = 0; i < 12; i++) assert.equal((await probe.run(controller.signal)).code, "OK");
  assert.equal(getEventListeners(controller.signal, "abort").length, 0);
});
