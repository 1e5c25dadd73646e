import { strict as assert } from "node:assert";
import { test } from "node:test";
import { jsonLinesLogger } from "./logger.js";

test("the JSON-lines logger writes one parseable object per line and never throws", () => {
  const lines: string[] = [];
  const logger = jsonLinesLogger(
    (line) => lines.push(line),
    () => new Date("2026-03-02T10:00:00Z"),
  );
  logger.log("warn", "watch.probe.status", { probe: "http:x", to: "APP_DOWN" });
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  logger.log("info", "unserialisable", { circular });
  assert.equal(lines.length, 1);
  assert.ok(lines[0]?.endsWith("\n"));
  assert.deepEqual(JSON.parse(lines[0] ?? ""), {
    at: "2026-03-02T10:00:00.000Z",
    level: "warn",
    event: "watch.probe.status",
    probe: "http:x",
    to: "APP_DOWN",
  });
});
