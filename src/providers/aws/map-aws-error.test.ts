import { strict as assert } from "node:assert";
import { test } from "node:test";
import type { LifeboatError } from "../../model/errors.js";
import { mapAwsError } from "./map-aws-error.js";

/** Errors shaped as the SDK builds them from AWS answers: a name and the HTTP metadata. */
function awsError(name: string, status: number | undefined, message = name): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

const cases: [Error, LifeboatError["code"], boolean][] = [
  [awsError("ThrottlingException", 400), "LB_PROVIDER_THROTTLED", true],
  [awsError("RequestLimitExceeded", 503), "LB_PROVIDER_THROTTLED", true],
  [awsError("Unknown", 429), "LB_PROVIDER_THROTTLED", true],
  [awsError("AuthFailure", 401), "LB_PROVIDER_AUTH", false],
  [awsError("UnauthorizedOperation", 403), "LB_PROVIDER_AUTH", false],
  [awsError("InvalidVpcID.NotFound", 400), "LB_PROVIDER_NOT_FOUND", false],
  [awsError("DBInstanceNotFoundFault", 404), "LB_PROVIDER_NOT_FOUND", false],
  [awsError("InternalError", 500), "LB_PROVIDER_REQUEST_FAILED", true],
  [awsError("InvalidParameterValue", 400), "LB_PROVIDER_REQUEST_FAILED", false],
  [awsError("TimeoutError", undefined), "LB_PROVIDER_UNREACHABLE", true],
  [
    Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
    "LB_PROVIDER_UNREACHABLE",
    true,
  ],
];

for (const [error, code, retryable] of cases) {
  test(`${error.name} (${(error as { code?: string }).code ?? "-"}) maps to ${code}`, () => {
    const mapped = mapAwsError(error, "ec2.DescribeVpcs");
    assert.equal(mapped.code, code);
    assert.equal(mapped.retryable, retryable);
    assert.equal(mapped.cause, error);
    assert.equal(mapped.details.operation, "ec2.DescribeVpcs");
  });
}

test("the AWS error code is kept in the details for the user", () => {
  const mapped = mapAwsError(awsError("InvalidParameterValue", 400), "ec2.DescribeVpcs");
  assert.equal(mapped.details.awsCode, "InvalidParameterValue");
});
