import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import {
  BugError,
  LifeboatError,
  errorCatalogue,
  exitCodeFor,
  httpStatusFor,
  invariant,
  isRetryable,
  toErrorJson,
  type ErrorCode,
} from "./errors.js";

test("every code maps to a documented exit code and HTTP status", () => {
  for (const code of Object.keys(errorCatalogue) as ErrorCode[]) {
    const error = new LifeboatError(code, "x");
    assert.ok([1, 2, 3, 4, 5].includes(exitCodeFor(error)), code);
    assert.ok(httpStatusFor(error) >= 400, code);
    assert.ok(error.remedy.length > 10, `${code} has a remedy`);
  }
});

test("the documented exit codes hold for representative errors", () => {
  const cases: [ErrorCode, number][] = [
    ["LB_INTERNAL", 1],
    ["LB_CONFIG_INVALID", 2],
    ["LB_RUN_NOT_FOUND", 3],
    ["LB_REPO_WRONG_PASSWORD", 4],
    ["LB_REPO_LOCKED", 5],
  ];
  for (const [code, exit] of cases) assert.equal(exitCodeFor(new LifeboatError(code, "m")), exit);
});

test("unknown throwables become LB_INTERNAL with exit 1, and keep the cause", () => {
  const cause = new TypeError("boom");
  assert.equal(exitCodeFor(cause), 1);
  const json = toErrorJson(cause);
  assert.equal(json.code, "LB_INTERNAL");
  assert.equal(json.message, "boom");
});

test("retryability comes from the catalogue and can be overridden per error", () => {
  assert.equal(isRetryable(new LifeboatError("LB_PROVIDER_THROTTLED", "slow down")), true);
  assert.equal(isRetryable(new LifeboatError("LB_CONFIG_INVALID", "bad")), false);
  assert.equal(isRetryable(new LifeboatError("LB_INTERNAL", "x", { retryable: true })), true);
  assert.equal(isRetryable(new Error("plain")), false);
});

test("a broken invariant is a BugError, not a LifeboatError", () => {
  assert.throws(
    () => invariant(false, "never"),
    (e) => e instanceof BugError && !(e instanceof LifeboatError),
  );
});

test("docs/errors.md lists every code in the catalogue", () => {
  const doc = readFileSync(new URL("../../../docs/errors.md", import.meta.url), "utf8");
  const missing = Object.keys(errorCatalogue).filter((code) => !doc.includes(`\`${code}\``));
  assert.deepEqual(missing, []);
});
