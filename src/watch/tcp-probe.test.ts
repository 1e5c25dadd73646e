import { strict as assert } from "node:assert";
import { createServer, type AddressInfo } from "node:net";
import { getEventListeners } from "node:events";
import { test } from "node:test";
import { ManualClock } from "../model/clock.js";
import { tcpProbe } from "./tcp-probe.js";

const clock = new ManualClock();
const signal = () => new AbortController().signal;

test("a listening port is OK; a closed one is HOST_DOWN", async () => {
  const server = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  try {
    const up = await tcpProbe({ host: "127.0.0.1", port, timeoutMs: 2000, clock }).run(signal());
    assert.equal(up.code, "OK");
    assert.equal(up.probeId, `tcp:127.0.0.1:${port}`);
    assert.ok(up.latencyMs !== null);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  const down = await tcpProbe({ host: "127.0.0.1", port, timeoutMs: 2000, clock }).run(signal());
  assert.equal(down.code, "HOST_DOWN");
  assert.equal(down.severity, "critical");
});

test("an unresolvable host is DNS_FAILURE", async () => {
  const probe = tcpProbe({ host: "lifeboat-probe.invalid", port: 80, timeoutMs: 2000, clock });
  assert.equal((await probe.run(signal())).code, "DNS_FAILURE");
});

test("runs leave no listener on the watcher's long-lived signal", async () => {
  const server = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const controller = new AbortController();
  try {
    const probe = tcpProbe({ host: "127.0.0.1", port, timeoutMs: 2000, clock });
    for (let i = 0; i < 12; i++) await probe.run(controller.signal);
    assert.equal(getEventListeners(controller.signal, "abort").length, 0);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
