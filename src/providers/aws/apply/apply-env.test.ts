import { strict as assert } from "node:assert";
import { test } from "node:test";
import { isLifeboatError } from "../../../model/errors.js";
import { claim, clientToken, elbName, ownTags, send } from "./apply-env.js";

test("created resources carry the spec's tags and Lifeboat's three, never aws:*", () => {
  const tags = ownTags({ runId: "r1", environment: "shop" }, "subnet:subnet-1", {
    tags: { Name: "a", "aws:cloudformation:stack-name": "x", "lifeboat:run": "stale" },
  });
  assert.deepEqual(tags, {
    Name: "a",
    "lifeboat:run": "r1",
    "lifeboat:source-id": "subnet:subnet-1",
    "lifeboat:environment": "shop",
  });
});

test("client tokens are stable per key and within the API's limit", () => {
  assert.equal(clientToken("run/k"), clientToken("run/k"));
  assert.notEqual(clientToken("run/k"), clientToken("run/j"));
  assert.equal(clientToken("x".repeat(500)).length, 64);
});

test("load balancer names are cut to what ELB accepts", () => {
  assert.equal(elbName("shop-alb:80-dr"), "shop-alb-80-dr");
  assert.equal(elbName(`-${"a".repeat(40)}`).length, 31);
});

test("a dependency violation while deleting is retryable; a name held by another run is not", async () => {
  const violation = Object.assign(new Error("in use"), {
    name: "DependencyViolation",
    $metadata: { httpStatusCode: 400 },
  });
  await assert.rejects(
    send("ec2.DeleteSubnet", () => Promise.reject(violation)),
    (e) => isLifeboatError(e) && e.retryable,
  );
  assert.throws(
    () => claim([{ Key: "lifeboat:run", Value: "other" }], { runId: "mine" }, "lb"),
    (e) => isLifeboatError(e, "LB_PROVIDER_REQUEST_FAILED") && !e.retryable,
  );
});
