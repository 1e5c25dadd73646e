// The capture loop `serve` will run, wired by the composition root to a real config, SQLite
// state, a local repository and moto, with an injected ManualClock: the schedule and every
// stored timestamp come from that clock, so nothing here sleeps or depends on speed.
import * as assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { after, before, test } from "node:test";
import { SetDesiredCapacityCommand } from "@aws-sdk/client-auto-scaling";
import type { VersionCapture } from "../../src/capture/capture-versions.js";
import { captureLoop, withEnvironment, type ProviderFactory } from "../../src/composition.js";
import { ManualClock } from "../../src/model/clock.js";
import { AwsProvider } from "../../src/providers/aws/aws-provider.js";
import { awsConnectionOptions } from "../../src/providers/aws/aws-connection-options.js";
import type { ProviderConfig } from "../../src/model/config.js";
import type { ShopEnvironment } from "../../src/providers/aws/shop/shop-types.js";
import type { AwsClients } from "../harness/aws-clients.js";
import { freePort } from "../harness/free-port.js";
import {
  captureShopWorld,
  password,
  type CaptureShopWorld,
  type CaptureWorkspace,
} from "./capture-fixture.js";

let world: CaptureShopWorld;
let clients: AwsClients;
let shop: ShopEnvironment;
let ws: CaptureWorkspace;

before(async () => {
  world = await captureShopWorld();
  ({ clients, shop, ws } = world);
});

after(async () => {
  await world?.close();
});

/** moto's dummy credentials, injected through the provider factory (not process.env). */
const motoProviders: ProviderFactory = (name, config, env) =>
  new AwsProvider({
    ...awsConnectionOptions(name, config as ProviderConfig, env),
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  });

/** Waits (in real time, generously) until the loop has gone to sleep `n` times in all. */
async function untilSleeps(clock: ManualClock, n: number): Promise<void> {
  for (let i = 0; i < 6000 && clock.sleeps.length < n; i += 1) await delay(10);
  assert.equal(clock.sleeps.length, n, "the loop did not go to sleep");
}

test("every capture.every the loop captures; unchanged moves last seen, a change is a version", async () => {
  const clock = new ManualClock("2026-11-22T00:00:00Z");
  const env = { LIFEBOAT_PASSWORD: password };
  const options = { config: ws.config, env, clock, providerFactory: motoProviders };
  await withEnvironment("shop", options, async (services) => {
    const stop = new AbortController();
    const seen: VersionCapture[] = [];
    const loop = captureLoop(services, stop.signal, {
      onCapture: (c) => seen.push(c),
      onError: (e) => assert.fail(`${e.code}: ${e.message}`),
    });
    await untilSleeps(clock, 1);
    clock.advance(5 * 60_000); // the config's capture.every
    await untilSleeps(clock, 2);
    await clients.region("us-east-1").autoscaling.send(
      new SetDesiredCapacityCommand({
        AutoScalingGroupName: shop.compute.autoScalingGroupName,
        DesiredCapacity: 4,
      }),
    );
    clock.advance(5 * 60_000);
    await untilSleeps(clock, 3);
    stop.abort();
    assert.deepEqual(await loop, { captures: 3, failures: 0 });
    assert.deepEqual(
      seen.map((c) => [c.version.version, c.created]),
      [
        [1, true],
        [1, false],
        [2, true],
      ],
    );
    const history = await services.index.list("shop");
    assert.deepEqual(
      history.map((v) => [v.version, v.capturedAt.toISOString(), v.lastSeenAt.toISOString()]),
      [
        [2, "2026-11-22T00:10:00.000Z", "2026-11-22T00:10:00.000Z"],
        [1, "2026-11-22T00:00:00.000Z", "2026-11-22T00:05:00.000Z"],
      ],
    );
  });
});

test("a failing capture in the loop is reported, stores nothing, and the loop goes on", async () => {
  const clock = new ManualClock("2026-11-22T01:00:00Z");
  const dead = `http://127.0.0.1:${await freePort()}`;
  // The connection goes where nothing listens.
  const unreachable: ProviderFactory = (name, config, env) =>
    motoProviders(name, { ...config, endpoint: dead }, env);
  const options = {
    config: ws.config,
    env: { LIFEBOAT_PASSWORD: password },
    clock,
    providerFactory: unreachable,
  };
  await withEnvironment("shop", options, async (services) => {
    const before = await services.index.list("shop");
    const stop = new AbortController();
    const codes: string[] = [];
    const loop = captureLoop(services, stop.signal, { onError: (e) => codes.push(e.code) });
    await untilSleeps(clock, 1);
    clock.advance(5 * 60_000);
    await untilSleeps(clock, 2);
    stop.abort();
    assert.deepEqual(await loop, { captures: 0, failures: 2 });
    assert.deepEqual(codes, ["LB_PROVIDER_UNREACHABLE", "LB_PROVIDER_UNREACHABLE"]);
    assert.deepEqual(await services.index.list("shop"), before);
  });
});
