import { strict as assert } from "node:assert";
import { test } from "node:test";
import { maintenanceWindowSchema, type MaintenanceWindow } from "../model/failover-policy.js";
import { activeMaintenanceWindow } from "./maintenance.js";

const windows = (...raw: unknown[]): MaintenanceWindow[] =>
  raw.map((w) => maintenanceWindowSchema.parse(w));
const active = (list: MaintenanceWindow[], at: string) =>
  activeMaintenanceWindow(list, new Date(at)) !== undefined;

test("a one-off window includes its start and excludes its end", () => {
  const list = windows({ start: "2026-03-02T10:00:00Z", end: "2026-03-02T11:00:00+00:00" });
  assert.equal(active(list, "2026-03-02T09:59:59Z"), false);
  assert.equal(active(list, "2026-03-02T10:00:00Z"), true);
  assert.equal(active(list, "2026-03-02T10:59:59Z"), true);
  assert.equal(active(list, "2026-03-02T11:00:00Z"), false);
});

test("a weekly window is read in its own time zone", () => {
  // Saturdays 02:00-04:00 in Paris: 01:00-03:00 UTC in winter, 00:00-02:00 UTC in summer.
  const list = windows({ days: ["sat"], from: "02:00", to: "04:00", timeZone: "Europe/Paris" });
  assert.equal(active(list, "2026-01-10T01:30:00Z"), true);
  assert.equal(active(list, "2026-01-10T03:00:00Z"), false);
  assert.equal(active(list, "2026-07-11T00:30:00Z"), true);
  assert.equal(active(list, "2026-07-11T02:30:00Z"), false);
  assert.equal(active(list, "2026-01-11T01:30:00Z"), false); // a Sunday
});

test("a weekly window that wraps past midnight ends on the next day", () => {
  const list = windows({ days: ["sun"], from: "23:00", to: "01:30" });
  assert.equal(active(list, "2026-03-01T23:30:00Z"), true); // Sunday night
  assert.equal(active(list, "2026-03-02T01:00:00Z"), true); // early Monday
  assert.equal(active(list, "2026-03-02T01:30:00Z"), false);
  assert.equal(active(list, "2026-03-02T23:30:00Z"), false); // Monday night
});
