import { strict as assert } from "node:assert";
import { test } from "node:test";
import { isLifeboatError } from "../../model/errors.js";
import { awsConnectionOptions } from "./aws-connection-options.js";

test("keys named by environment variable are read into static credentials", () => {
  const options = awsConnectionOptions(
    "east",
    {
      type: "aws",
      region: "us-east-1",
      endpoint: "http://127.0.0.1:5000",
      credentials: { accessKeyIdEnv: "K", secretAccessKeyEnv: "S", sessionTokenEnv: "T" },
    },
    { K: "key", S: "secret", T: "token" },
    { maxAttempts: 1 },
  );
  assert.deepEqual(options, {
    region: "us-east-1",
    endpoint: "http://127.0.0.1:5000",
    credentials: { accessKeyId: "key", secretAccessKey: "secret", sessionToken: "token" },
    maxAttempts: 1,
  });
});

test("a profile goes to the SDK's chain; no credentials means the default chain", () => {
  const withProfile = awsConnectionOptions(
    "west",
    { type: "aws", region: "us-west-2", credentials: { profile: "dr" } },
    {},
  );
  assert.deepEqual(withProfile, { region: "us-west-2", profile: "dr" });
  assert.deepEqual(awsConnectionOptions("west", { type: "aws", region: "us-west-2" }, {}), {
    region: "us-west-2",
  });
});

test("a variable that is not set fails with LB_SECRET_MISSING naming the key path", () => {
  assert.throws(
    () =>
      awsConnectionOptions(
        "east",
        {
          type: "aws",
          region: "us-east-1",
          credentials: { accessKeyIdEnv: "K", secretAccessKeyEnv: "S" },
        },
        { K: "key" },
      ),
    (error) =>
      isLifeboatError(error, "LB_SECRET_MISSING") &&
      error.details.path === "providers.east.credentials.secretAccessKeyEnv",
  );
});
