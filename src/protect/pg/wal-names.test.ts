import * as assert from "node:assert/strict";
import { test } from "node:test";
import { parseBackupLabel } from "./backup-label.js";
import { parseWalName, segmentNumber } from "./wal-names.js";

test("archive file names PostgreSQL hands to archive_command are recognised", () => {
  assert.deepEqual(parseWalName("000000010000000000000002"), {
    name: "000000010000000000000002",
    kind: "segment",
    timeline: 1,
  });
  assert.equal(parseWalName("00000002.history")?.kind, "history");
  assert.equal(parseWalName("00000002.history")?.timeline, 2);
  assert.equal(parseWalName("000000010000000000000002.00000028.backup")?.kind, "backup");
  assert.equal(parseWalName("000000030000000000000002.partial")?.timeline, 3);
  for (const bad of ["", "../etc/passwd", "00000001000000000000000g", "x.history"]) {
    assert.equal(parseWalName(bad), undefined, bad);
  }
});

test("segment numbers run on across a log boundary (256 segments of 16 MiB per log)", () => {
  assert.equal(
    segmentNumber("0000000100000000000000FF") + 1n,
    segmentNumber("000000010000000100000000"),
  );
  assert.equal(segmentNumber("000000010000000100000000", 64 * 1024 * 1024), 64n);
});

test("backup_label gives the start segment and timeline", () => {
  const label = parseBackupLabel(
    [
      "START WAL LOCATION: 0/2000028 (file 000000010000000000000002)",
      "CHECKPOINT LOCATION: 0/2000060",
      "BACKUP METHOD: streamed",
      "START TIME: 2026-11-22 03:07:26 UTC",
      "START TIMELINE: 1",
      "",
    ].join("\n"),
  );
  assert.deepEqual(label, {
    startLsn: "0/2000028",
    startWalFile: "000000010000000000000002",
    timeline: 1,
    startTime: "2026-11-22 03:07:26 UTC",
  });
  assert.equal(parseBackupLabel("LABEL: x\n"), undefined);
});
