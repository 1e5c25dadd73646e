/**
 * The agent binds a `cbt` volume (docs/protect.md, "CBT"): config → composition's CBT binder
 * (EBS direct APIs + the volume's snapshots on the named connection) → `CbtSource` → agent
 * cycles. moto stores bytes only for snapshots written through the EBS direct APIs, so the
 * "volume's snapshots" are written here and tagged `lifeboat:cbt-volume=<volume>`, and the
 * binding uses `snapshots: tagged`; `snapshots: create` (EC2 CreateSnapshot of a live volume)
 * yields block-less snapshots on moto and is not exercised.
 */
import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { agentCbtBinder } from "../../src/compose-cbt.js";
import { loadConfig } from "../../src/config/load-config.js";
import type { LifeboatError } from "../../src/model/errors.js";
import { ManualClock } from "../../src/model/clock.js";
import { runAgent } from "../../src/protect/agent.js";
import { bindVolumes } from "../../src/protect/agent-volumes.js";
import { awsBlockSnapshots } from "../../src/providers/aws/aws-block-snapshots.js";
import { AwsConnection } from "../../src/providers/aws/aws-connection.js";
import { ImageReader, resolveSnapshot } from "../../src/repository/archiver/api.js";
import { listRecoveryPoints } from "../../src/store/recovery-points-repo.js";
import { ConfigBuilder } from "../e2e/config-builder.js";
import { motoClientConfig, startMoto, type MotoServer } from "../harness/moto.js";
import { MiB, protectFixture, type ProtectFixture } from "./protect-fixture.js";
import { taggedVolumeSnapshot } from "./volume-step-fixture.js";

const GiB = 1024 * MiB;
let moto: MotoServer;
let connection: AwsConnection;
let fx: ProtectFixture;

before(async () => {
  moto = await startMoto();
  connection = new AwsConnection({ ...motoClientConfig(moto, "us-east-1"), maxConcurrency: 8 });
  fx = await protectFixture();
});
after(async () => {
  connection?.destroy();
  await moto?.stop();
  await fx?.close();
});

/** A 1 GiB snapshot of the volume holding `blocks`, tagged as the volume's. */
async function writeVolumeSnapshot(volume: string, blocks: Map<number, Buffer>): Promise<void> {
  await taggedVolumeSnapshot(awsBlockSnapshots(connection), volume, blocks);
}

async function pointHolds(snapshotId: string, blocks: Map<number, Buffer>): Promise<boolean> {
  const reader = await ImageReader.open(fx.repo, await resolveSnapshot(fx.repo, snapshotId));
  assert.equal(reader.size, GiB);
  const span = 1 * MiB; // every block written lies in the first MiB; the rest is a hole
  const want = Buffer.alloc(span);
  for (const [index, data] of blocks) data.copy(want, index * 512);
  return want.equals(Buffer.from(await reader.read(0, span)));
}

test("agent: a cbt volume is bound from the config and its cycles read only changed blocks", async () => {
  const file = ConfigBuilder.shop({ endpoint: moto.endpoint })
    .set("environments.shop.agent.volumes.vol-cbt", {
      mode: "cbt",
      connection: "east",
      snapshots: "tagged",
      every: "1m",
    })
    .set("providers.east.credentials", {
      accessKeyIdEnv: "MOTO_KEY",
      secretAccessKeyEnv: "MOTO_SECRET",
    })
    .writeTo(fx.dir);
  const env = { MOTO_KEY: "testing", MOTO_SECRET: "testing" };
  const loaded = await loadConfig({ config: file, env });
  const agentConfig = loaded.config.environments.shop!.agent!;
  const clock = new ManualClock();
  const cbt = agentCbtBinder(loaded, env);
  const bound = await bindVolumes(agentConfig, [], fx.dir, clock, undefined, cbt.bind);
  try {
    assert.equal(bound.volumes[0]?.source.method, "cbt");
    const deps = {
      clock,
      openProtect: async () => fx.deps,
      heartbeat: async () => undefined,
    };

    // No snapshot of the volume yet: the cycle fails (reported), nothing is recorded.
    const none = await runAgent(deps, bound.volumes, { heartbeatMs: 1000, once: true });
    assert.equal(none[0]?.lastError?.code, "LB_PROVIDER_NOT_FOUND");

    const blocks = new Map<number, Buffer>();
    for (let i = 0; i < 100; i++) blocks.set(i * 7, randomBytes(512));
    await writeVolumeSnapshot("vol-cbt", blocks);
    const first = await runAgent(deps, bound.volumes, { heartbeatMs: 1000, once: true });
    assert.equal(first[0]?.lastError, null);
    const [p1] = await listRecoveryPoints(fx.store, "shop", { source: "vol-cbt" });
    assert.equal(p1?.method, "cbt");
    assert.ok(await pointHolds(p1!.snapshotId, blocks));

    // The next snapshot: 10 blocks rewritten, 5 new (moto has no parent: it holds them all).
    const changed = [...blocks.keys()].slice(0, 10);
    for (const i of changed) blocks.set(i, randomBytes(512));
    for (let i = 0; i < 5; i++) blocks.set(1000 + i, randomBytes(512));
    clock.advance(60_000);
    await writeVolumeSnapshot("vol-cbt", blocks);
    const before = bound.volumes[0]!.source.counters.bytesRead;
    const second = await runAgent(deps, bound.volumes, { heartbeatMs: 1000, once: true });
    assert.equal(second[0]?.lastError, null);
    assert.equal(bound.volumes[0]!.source.counters.bytesRead - before, 15 * 512);
    const [p2] = await listRecoveryPoints(fx.store, "shop", { source: "vol-cbt" });
    assert.notEqual(p2?.id, p1?.id);
    assert.equal(p2?.changedBytes, 15 * 512);
    assert.ok(await pointHolds(p2!.snapshotId, blocks));
  } finally {
    await bound.close();
    cbt.close();
  }
});

test("agent: a cbt binding without its connection is a configuration error", async () => {
  const file = ConfigBuilder.shop({ endpoint: moto.endpoint })
    .set("environments.shop.agent.volumes.vol-cbt", { mode: "cbt", every: "1m" })
    .writeTo(fx.dir, "no-connection.yaml");
  await assert.rejects(loadConfig({ config: file, env: {} }), (error: LifeboatError) => {
    assert.equal(error.code, "LB_CONFIG_INVALID");
    assert.match(error.message, /agent\.volumes\.vol-cbt\.connection/);
    return true;
  });
});
