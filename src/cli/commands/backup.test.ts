import * as assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { readChangedRanges } from "../changed-ranges.js";

test("--changed-ranges accepts JSON objects, JSON pairs and text lines", async () => {
  const dir = await mkdtemp(join(tmpdir(), "lifeboat-ranges-"));
  try {
    const want = [
      { offset: 0, length: 4096 },
      { offset: 1048576, length: 10 },
    ];
    await writeFile(join(dir, "a.json"), JSON.stringify(want));
    await writeFile(join(dir, "b.json"), "[[0, 4096], [1048576, 10]]");
    await writeFile(join(dir, "c.txt"), "# changed blocks\n0 4096\n1048576,10\n");
    for (const name of ["a.json", "b.json", "c.txt"]) {
      assert.deepEqual(await readChangedRanges(join(dir, name)), want, name);
    }
    await writeFile(join(dir, "bad.txt"), "0 4096\nnot a range\n");
    await assert.rejects(readChangedRanges(join(dir, "bad.txt")), { code: "LB_INVALID_INPUT" });
    await writeFile(join(dir, "neg.json"), '[{"offset": -1, "length": 1}]');
    await assert.rejects(readChangedRanges(join(dir, "neg.json")), { code: "LB_INVALID_INPUT" });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
