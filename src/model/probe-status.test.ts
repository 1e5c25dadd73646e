import { strict as assert } from "node:assert";
import { test } from "node:test";
import {
  probeResult,
  probeResultFromJson,
  probeResultJsonSchema,
  probeResultToJson,
  probeStatusCatalogue,
  probeStatusCodes,
} from "./probe-status.js";

test("the catalogue holds the documented codes, OK alone being healthy", () => {
  for (const code of [
    "OK",
    "DEGRADED",
    "APP_DOWN",
    "HOST_DOWN",
    "DNS_FAILURE",
    "REGION_UNREACHABLE",
    "REPLICATION_STALLED",
    "HEARTBEAT_LOST",
    "UNKNOWN",
  ]) {
    assert.ok(probeStatusCodes.includes(code as never), code);
  }
  const healthy = probeStatusCodes.filter((c) => probeStatusCatalogue[c].severity === "info");
  assert.deepEqual(healthy, ["OK"]);
});

test("a result takes its severity from the catalogue and round-trips as JSON", () => {
  const result = probeResult("dns:shop", "DNS_FAILURE", new Date(0), 1.234, "ENOTFOUND");
  assert.equal(result.severity, "critical");
  assert.equal(result.latencyMs, 1.2);
  const json = probeResultJsonSchema.parse(JSON.parse(JSON.stringify(probeResultToJson(result))));
  assert.deepEqual(probeResultFromJson(json), result);
});
