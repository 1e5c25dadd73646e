import { strict as assert } from "node:assert";
import { createSocket, type Socket } from "node:dgram";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { ManualClock } from "../model/clock.js";
import { dnsProbe } from "./dns-probe.js";

/**
 * A real (tiny) DNS server on 127.0.0.1 UDP: answers A queries for the names in `zone`,
 * NXDOMAIN for the rest, and never answers `silent.test`.
 */
const zone: Record<string, string> = { "shop.example.test": "10.1.2.3" };
let server: Socket;
let resolver: string;

function respond(query: Buffer): Buffer | undefined {
  const labels: string[] = [];
  let offset = 12;
  for (let len = query[offset] ?? 0; len > 0; len = query[offset] ?? 0) {
    labels.push(query.subarray(offset + 1, offset + 1 + len).toString("ascii"));
    offset += len + 1;
  }
  const question = query.subarray(12, offset + 5); // name, its terminator, type and class
  const name = labels.join(".").toLowerCase();
  if (name === "silent.test") return undefined;
  const address = zone[name];
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2); // id
  header.writeUInt16BE(address === undefined ? 0x8183 : 0x8180, 2); // response, NXDOMAIN or not
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(address === undefined ? 0 : 1, 6);
  if (address === undefined) return Buffer.concat([header, question]);
  const answer = Buffer.alloc(16);
  answer.writeUInt16BE(0xc00c, 0); // pointer to the question's name
  answer.writeUInt16BE(1, 2); // A
  answer.writeUInt16BE(1, 4); // IN
  answer.writeUInt32BE(60, 6); // TTL
  answer.writeUInt16BE(4, 10);
  address.split(".").forEach((octet, i) => answer.writeUInt8(Number(octet), 12 + i));
  return Buffer.concat([header, question, answer]);
}

before(async () => {
  server = createSocket("udp4");
  server.on("message", (message, peer) => {
    const reply = respond(message);
    if (reply !== undefined) server.send(reply, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => server.bind(0, "127.0.0.1", resolve));
  resolver = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

const clock = new ManualClock();
const signal = () => new AbortController().signal;
const probe = (name: string, extra: { expectAddresses?: string[]; timeoutMs?: number } = {}) =>
  dnsProbe({ name, resolver, timeoutMs: 2000, clock, ...extra }).run(signal());

test("a name that resolves through the configured resolver is OK", async () => {
  const result = await probe("shop.example.test");
  assert.equal(result.code, "OK");
  assert.equal(result.detail, "10.1.2.3");
  assert.equal((await probe("shop.example.test", { expectAddresses: ["10.1.2.3"] })).code, "OK");
});

test("a name that does not resolve, or resolves elsewhere, is DNS_FAILURE", async () => {
  assert.equal((await probe("gone.example.test")).code, "DNS_FAILURE");
  const moved = await probe("shop.example.test", { expectAddresses: ["10.9.9.9"] });
  assert.equal(moved.code, "DNS_FAILURE");
});

test("a resolver that does not answer is DNS_FAILURE after the timeout", async () => {
  assert.equal((await probe("silent.test", { timeoutMs: 200 })).code, "DNS_FAILURE");
});

test("without a resolver the system's is used", async () => {
  const local = await dnsProbe({ name: "localhost", timeoutMs: 2000, clock }).run(signal());
  assert.equal(local.code, "OK");
  const invalid = await dnsProbe({ name: "lifeboat-probe.invalid", timeoutMs: 2000, clock });
  assert.equal((await invalid.run(signal())).code, "DNS_FAILURE");
});
