import * as assert from "node:assert/strict";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startMoto, motoS3Config, type MotoServer } from "../harness/moto.js";
import { makeTree } from "../integration/pipeline-fixture.js";
import { makeTempDir } from "./cli.js";
import { contentHashes, expectJson, repoCli } from "./repo-fixture.js";

const tmp = makeTempDir("lifeboat-e2e-s3-");
let moto: MotoServer;
let cli: ReturnType<typeof repoCli>;

before(async () => {
  moto = await startMoto();
  const admin = new S3Client(motoS3Config(moto));
  await admin.send(new CreateBucketCommand({ Bucket: "dr-repo" }));
  admin.destroy();
  await makeTree(join(tmp.path, "data"));
  cli = (args, extra = {}) =>
    repoCli(tmp.path, "s3://dr-repo/lifeboat", {
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
    })([...args, "--endpoint", moto.endpoint], extra);
});

after(async () => {
  await moto?.stop();
  tmp.remove();
});

test("an s3 repository on moto: init, backup, restore byte-identical, check --read-data", async () => {
  expectJson(await cli(["repo", "init", "--kdf-n", "1024", "--pack-size", "4", "--json"]));
  const again = await cli(["repo", "init", "--kdf-n", "1024", "--json"]);
  assert.equal(again.code, 5);
  const backup = expectJson<{ snapshot: string; packsWritten: number }>(
    await cli(["backup", "data", "--json"]),
  );
  assert.ok(backup.packsWritten > 0);
  expectJson(await cli(["restore", "latest", "--target", "out", "--json"]));
  assert.deepEqual(
    await contentHashes(join(tmp.path, "out")),
    await contentHashes(join(tmp.path, "data")),
  );
  expectJson(await cli(["repo", "check", "--read-data", "--json"]));
  const wrong = await cli(["repo", "snapshots", "--json"], { LIFEBOAT_PASSWORD: "nope" });
  assert.equal(wrong.code, 4);
});
