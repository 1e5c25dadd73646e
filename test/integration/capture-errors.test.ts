import { strict as assert } from "node:assert";
import { after, before, test } from "node:test";
import { DescribeVolumeStatusCommand, EC2Client } from "@aws-sdk/client-ec2";
import { captureEnvironment } from "../../src/capture/capture.js";
import { exitCodeFor, isLifeboatError, type LifeboatError } from "../../src/model/errors.js";
import { AwsProvider } from "../../src/providers/aws/aws-provider.js";
import { mapAwsError } from "../../src/providers/aws/map-aws-error.js";
import { freePort } from "../harness/free-port.js";
import { motoClientConfig, startMoto, type MotoServer } from "../harness/moto.js";

let moto: MotoServer;

before(async () => {
  moto = await startMoto();
});

after(async () => {
  await moto?.stop();
});

const hasCode = (code: LifeboatError["code"]) => (error: unknown) => isLifeboatError(error, code);

test("an endpoint where nothing listens is LB_PROVIDER_UNREACHABLE, retryable, retried", async () => {
  const endpoint = `http://127.0.0.1:${await freePort()}`;
  const provider = new AwsProvider({
    ...motoClientConfig({ endpoint }, "us-east-1"),
    maxAttempts: 2,
  });
  try {
    let caught: unknown;
    await captureEnvironment(provider, { tags: { app: "shop" } }).catch((e: unknown) => {
      caught = e;
    });
    assert.ok(isLifeboatError(caught, "LB_PROVIDER_UNREACHABLE"), String(caught));
    assert.equal(caught.retryable, true);
    assert.equal(exitCodeFor(caught), 1);
    // A fresh connection makes exactly one call, so its attempts show the retry.
    const fresh = new AwsProvider({
      ...motoClientConfig({ endpoint }, "us-east-1"),
      maxAttempts: 2,
    });
    const status = await fresh.status();
    fresh.close();
    assert.deepEqual(status.ok ? "ok" : [status.code, status.retryable], [
      "LB_PROVIDER_UNREACHABLE",
      true,
    ]);
    assert.deepEqual([fresh.apiCalls().calls, fresh.apiCalls().attempts], [1, 2]);
  } finally {
    provider.close();
  }
});

test("credentials the provider rejects are LB_PROVIDER_AUTH (exit 2), not retried", async () => {
  // moto checks credentials only once IAM enforcement is switched on.
  await fetch(`${moto.endpoint}/moto-api/reset-auth`, { method: "POST", body: "0" });
  const provider = new AwsProvider({
    ...motoClientConfig(moto, "us-east-1"),
    credentials: { accessKeyId: "AKIAWRONGWRONGWRONG0", secretAccessKey: "wrong" },
  });
  try {
    let caught: unknown;
    await captureEnvironment(provider, { tags: { app: "shop" } }).catch((e: unknown) => {
      caught = e;
    });
    assert.ok(isLifeboatError(caught, "LB_PROVIDER_AUTH"), String(caught));
    assert.equal(caught.retryable, false);
    assert.equal(exitCodeFor(caught), 2);
    assert.equal(typeof caught.details.awsCode, "string");
    // Even with retries allowed, a rejected credential is tried once.
    const fresh = new AwsProvider({
      ...motoClientConfig(moto, "us-east-1"),
      maxAttempts: 5,
      credentials: { accessKeyId: "AKIAWRONGWRONGWRONG0", secretAccessKey: "wrong" },
    });
    const status = await fresh.status();
    fresh.close();
    assert.deepEqual(status.ok ? "ok" : status.code, "LB_PROVIDER_AUTH");
    assert.deepEqual([fresh.apiCalls().calls, fresh.apiCalls().attempts], [1, 1]);
  } finally {
    provider.close();
    await fetch(`${moto.endpoint}/moto-api/reset-auth`, { method: "POST", body: "1000000000" });
  }
});

test("moto's HTML 500 for an operation it lacks is LB_PROVIDER_UNSUPPORTED", async () => {
  const ec2 = new EC2Client(motoClientConfig(moto, "us-east-1"));
  try {
    const error = await ec2.send(new DescribeVolumeStatusCommand({})).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error !== undefined, "moto 5.2.1 does not implement DescribeVolumeStatus");
    assert.ok(hasCode("LB_PROVIDER_UNSUPPORTED")(mapAwsError(error, "ec2.DescribeVolumeStatus")));
  } finally {
    ec2.destroy();
  }
});

test("a cancelled capture fails with LB_CANCELLED and sends no more requests", async () => {
  const provider = new AwsProvider({ ...motoClientConfig(moto, "us-east-1"), maxConcurrency: 1 });
  try {
    const cancel = new AbortController();
    const capture = captureEnvironment(
      provider,
      { tags: { app: "shop" } },
      { signal: cancel.signal },
    );
    cancel.abort();
    await assert.rejects(capture, hasCode("LB_CANCELLED"));
    // Only the request already holding the single slot was sent.
    assert.ok(provider.apiCalls().attempts <= 1, JSON.stringify(provider.apiCalls()));
    const before = new AbortController();
    before.abort();
    await assert.rejects(
      captureEnvironment(provider, { tags: { app: "shop" } }, { signal: before.signal }),
      hasCode("LB_CANCELLED"),
    );
  } finally {
    provider.close();
  }
});

test("an empty region captures to an empty inventory with a warning, not an error", async () => {
  await moto.reset();
  const provider = new AwsProvider(motoClientConfig(moto, "eu-west-1"));
  try {
    const result = await captureEnvironment(provider, { tags: { app: "nothing-here" } });
    assert.deepEqual(result.inventory.resources, []);
    assert.equal(result.explanation.warnings.length, 1);
    assert.ok(result.explanation.leftOut.some((l) => l.why.type === "default"));
  } finally {
    provider.close();
  }
});
