import { strict as assert } from "node:assert";
import { test } from "node:test";
import { isLifeboatError } from "../model/errors.js";
import { environmentNamed, providerNamed } from "./config-lookups.js";
import type { LoadedConfig } from "./load-config.js";
import { starterConfig } from "./starter-config.js";
import { validateConfigText } from "./validate-config.js";

const result = validateConfigText(starterConfig);
assert.ok(result.ok);
const loaded: LoadedConfig = {
  file: "/x/lifeboat.yaml",
  dir: "/x",
  config: result.config,
  repositoryPassword: () => assert.fail("not read"),
};

test("environmentNamed finds an environment or fails with LB_ENV_NOT_FOUND", () => {
  assert.equal(environmentNamed(loaded, "example").source, "primary");
  assert.throws(
    () => environmentNamed(loaded, "exmple"),
    (e) => isLifeboatError(e, "LB_ENV_NOT_FOUND") && /did you mean "example"/.test(e.message),
  );
  assert.throws(
    () => environmentNamed(loaded, "toString"),
    (e) => isLifeboatError(e, "LB_ENV_NOT_FOUND"),
  );
});

test("providerNamed finds a provider or fails with LB_INVALID_INPUT", () => {
  assert.equal(providerNamed(loaded, "standby").region, "us-west-2");
  assert.throws(
    () => providerNamed(loaded, "nope"),
    (e) => isLifeboatError(e, "LB_INVALID_INPUT"),
  );
});
