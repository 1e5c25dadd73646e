// The README numbers for capture: `lifeboat capture --json` (the built CLI, as a user runs it)
// of the shop (us-east-1) and of a ~200-resource environment (us-east-2) on moto, first capture (new version, stored in
// the repository) and a repeat (unchanged). Measured and printed, not asserted: no test depends
// on wall-clock speed. Reproduce with `node dist/test/e2e/capture-numbers.test.js`.
import * as assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { shopEnvironment } from "../../src/providers/aws/shop/shop-environment.js";
import type { ShopEnvironment } from "../../src/providers/aws/shop/shop-types.js";
import { awsClients, type AwsClients } from "../harness/aws-clients.js";
import { startMoto, type MotoServer } from "../harness/moto.js";
import {
  captureWorkspace,
  expectJson,
  type CaptureJson,
  type CaptureWorkspace,
} from "./capture-fixture.js";

let moto: MotoServer;
let clients: AwsClients;
let shop: ShopEnvironment;
let big: ShopEnvironment;
let ws: CaptureWorkspace;

before(async () => {
  moto = await startMoto();
  clients = awsClients(moto);
  // One build at a time: two fixture builds racing in one moto server can make it answer 500.
  shop = await shopEnvironment(clients).named("shop").build();
  // Its own region, so each capture lists only its environment (DNS is global: both zones).
  big = await shopEnvironment(clients)
    .inRegion("us-east-2")
    .named("big")
    .withAtLeastResources(200)
    .build();
  ws = await captureWorkspace(moto.endpoint, (config) =>
    config
      .set("providers.ohio", { type: "aws", region: "us-east-2", endpoint: moto.endpoint })
      .set("environments.big", {
        source: "ohio",
        select: { tags: { app: "big" } },
        recovery: { target: "west" },
      }),
  );
});

after(async () => {
  clients?.destroy();
  await moto?.stop();
  ws?.remove();
});

function report(label: string, c: CaptureJson): void {
  console.log(
    `capture-numbers: ${label}: ${c.version.resources} resources, ` +
      `${c.created ? "new version" : "unchanged"} ${c.version.version}, ` +
      `${c.apiCalls.calls} API calls (${c.apiCalls.attempts} HTTP attempts), ` +
      `${c.wallMs} ms wall (discovery ${c.discoveryMs} ms)`,
  );
}

for (const [env, fixture] of [
  ["shop", () => shop],
  ["big", () => big],
] as const) {
  test(`capture of ${env}: first (stored) and repeated (unchanged)`, async () => {
    const first = expectJson<CaptureJson>(await ws.cli(["capture", env, "--json"]));
    const repeat = expectJson<CaptureJson>(await ws.cli(["capture", env, "--json"]));
    const made = fixture();
    // The fixture counts the scaling group's machines; a capture leaves them to the group.
    const expected = made.resourceCount - made.compute.webInstanceIds.length;
    assert.ok(first.version.resources >= expected, `${first.version.resources} < ${expected}`);
    assert.equal(first.created, true);
    assert.equal(repeat.created, false);
    report(`${env} first`, first);
    report(`${env} repeat`, repeat);
  });
}
