import * as assert from "node:assert/strict";
import { test } from "node:test";
import type { LifeboatError } from "../../model/errors.js";
import type { StoredSnapshot } from "../../repository/snapshot/snapshot.js";
import { chooseRestore } from "./choose-restore.js";
import type { BaseBackupEntry, PgCatalog, WalEntry } from "./pg-catalog.js";
import { parseWalName } from "./wal-names.js";

const snap = (id: string) => ({ id }) as unknown as StoredSnapshot;
const at = (second: number) => new Date(Date.UTC(2026, 10, 22, 3, 0, second));
const seg = (n: number) => `0000000100000000${n.toString(16).toUpperCase().padStart(8, "0")}`;

function base(id: string, start: number, finished: number): BaseBackupEntry {
  return {
    snapshot: snap(id),
    fields: {
      environment: "shop",
      database: "main",
      startedAt: at(finished - 1).toISOString(),
      finishedAt: at(finished).toISOString(),
      startWalFile: seg(start),
      timeline: 1,
    },
  };
}

function wal(n: number, closed: number): WalEntry {
  const file = seg(n);
  return {
    snapshot: snap(`w${n}`),
    name: parseWalName(file)!,
    fields: {
      environment: "shop",
      database: "main",
      file,
      size: 16 << 20,
      sha256: "0".repeat(64),
      closedAt: at(closed).toISOString(),
      archivedAt: at(closed + 1).toISOString(),
    },
  };
}

const catalog = (bases: BaseBackupEntry[], files: WalEntry[]): PgCatalog => ({
  bases,
  wal: new Map(files.map((w) => [w.fields.file, w])),
});

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as LifeboatError).code;
  }
  return "none";
};

test("the newest base finished at or before T, then contiguous WAL from its start segment", () => {
  const c = catalog(
    [base("b1", 2, 5), base("b2", 6, 20)],
    [2, 3, 4, 5, 6, 7, 8].map((n) => wal(n, n * 3)),
  );
  const early = chooseRestore(c, at(10));
  assert.equal(early.base.snapshot.id, "b1");
  // Segments 2..5 (closed 6, 9, 12, 15): up to the second one closed after T = 10.
  assert.deepEqual(
    early.segments.map((s) => s.fields.file),
    [seg(2), seg(3), seg(4), seg(5)],
  );
  const late = chooseRestore(c, at(21));
  assert.equal(late.base.snapshot.id, "b2");
  assert.deepEqual(
    late.segments.map((s) => s.snapshot.id),
    ["w6", "w7", "w8"],
  );
  assert.equal(chooseRestore(c, undefined).segments.length, 3);
});

test("no base before T, a gap before T, and a T past the archive are refused by code", () => {
  const c = catalog([base("b1", 2, 5)], [wal(2, 6), wal(4, 12)]);
  assert.equal(
    code(() => chooseRestore(c, at(4))),
    "LB_PG_NO_BASE_BACKUP",
  );
  assert.equal(
    code(() => chooseRestore(c, at(10))),
    "LB_PG_WAL_MISSING",
  );
  // A gap after a segment that already covers T does not matter.
  assert.deepEqual(
    chooseRestore(c, at(6)).segments.map((s) => s.snapshot.id),
    ["w2"],
  );
  const short = catalog([base("b1", 2, 5)], [wal(2, 6), wal(3, 9)]);
  assert.equal(
    code(() => chooseRestore(short, at(30))),
    "LB_PG_TARGET_NOT_COVERED",
  );
});
