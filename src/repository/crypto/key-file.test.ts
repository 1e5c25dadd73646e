import { strict as assert } from "node:assert";
import { test } from "node:test";
import { Secret } from "../../model/secret.js";
import { calibrateKdf } from "./kdf.js";
import { createKeyFile, decodeKeyFile, unwrapKeyFile } from "./key-file.js";
import { MasterKey } from "./master-key.js";

const cheap = { N: 1024, r: 8, p: 1 };

test("a key file unwraps with its passphrase and not with another", async () => {
  const master = MasterKey.generate();
  const bytes = await createKeyFile(master, new Secret("correct horse"), cheap);
  const file = decodeKeyFile(bytes);
  assert.equal(file.N, 1024);
  const opened = await unwrapKeyFile(file, new Secret("correct horse"));
  assert.deepEqual(opened?.bytes(), master.bytes());
  assert.equal(await unwrapKeyFile(file, new Secret("wrong")), undefined);
  assert.ok(!Buffer.from(bytes).toString().includes("correct horse"));
});

test("a damaged key file is LB_REPO_OBJECT_CORRUPT, and a forged KDF cost is refused", async () => {
  const bytes = await createKeyFile(MasterKey.generate(), new Secret("pw"), cheap);
  assert.throws(() => decodeKeyFile(Buffer.from("{not json")), { code: "LB_REPO_OBJECT_CORRUPT" });
  const json = JSON.parse(Buffer.from(bytes).toString());
  assert.throws(() => decodeKeyFile(Buffer.from(JSON.stringify({ ...json, N: 1000 }))), {
    code: "LB_REPO_OBJECT_CORRUPT",
  });
  assert.throws(() => decodeKeyFile(Buffer.from(JSON.stringify({ ...json, N: 2 ** 24, r: 64 }))), {
    code: "LB_REPO_OBJECT_CORRUPT",
  });
  assert.throws(() => decodeKeyFile(Buffer.from(JSON.stringify({ ...json, extra: 1 }))), {
    code: "LB_REPO_OBJECT_CORRUPT",
  });
});

test("calibration scales N from one measured derivation, within the memory cap", async () => {
  const ticks = [0, 50];
  const params = await calibrateKdf(700, () => ticks.shift() ?? 50);
  // 50 ms at 2^14 → 400 ms at 2^17 fits 700 ms; 2^18 (800 ms) does not.
  assert.deepEqual(params, { N: 2 ** 17, r: 8, p: 1 });
  const fast = await calibrateKdf(
    700,
    (() => {
      const t = [0, 1];
      return () => t.shift() ?? 1;
    })(),
  );
  assert.equal(fast.N, 2 ** 18, "capped at 256 MiB of scrypt memory");
});

test("blob ids are keyed: the same bytes get different ids in different repositories", () => {
  const data = Buffer.from("same content");
  const a = MasterKey.generate();
  const b = MasterKey.generate();
  assert.deepEqual(a.blobId(data), a.blobId(Buffer.from("same content")));
  assert.notDeepEqual(a.blobId(data), b.blobId(data));
  assert.equal(JSON.stringify({ a }), '{"a":"[master key]"}');
});
