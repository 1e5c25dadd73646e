import { strict as assert } from "node:assert";
import { test } from "node:test";
import { validateConfigText } from "../../src/config/validate-config.js";
import { ConfigBuilder } from "./config-builder.js";

test("the builder's shop config is valid, and set/remove change exactly one key", () => {
  const base = validateConfigText(
    ConfigBuilder.shop({ endpoint: "http://127.0.0.1:5000" }).toYaml(),
  );
  assert.ok(base.ok, JSON.stringify(!base.ok && base.problems));
  assert.equal(base.config.providers.west?.endpoint, "http://127.0.0.1:5000");

  const changed = ConfigBuilder.shop()
    .set("environments.shop.capture.every", "30s")
    .set("environments.shop.health", [{ tcp: { host: "db", port: 5432, every: "10s" } }])
    .remove("environments.shop.failover");
  const result = validateConfigText(changed.toYaml());
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  assert.equal(result.config.environments.shop?.capture.every, "30s");
  assert.equal(result.config.environments.shop?.health.length, 1);

  const broken = validateConfigText(
    ConfigBuilder.shop().set("providers.east.regoin", "x").toYaml(),
  );
  assert.equal(broken.ok, false);
});
