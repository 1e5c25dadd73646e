import { readFile } from "node:fs/promises";
import { z } from "zod";
import { LifeboatError } from "../model/errors.js";
import type { ChangedRange } from "../repository/archiver/image-backup.js";

const rangeSchema = z.union([
  z.object({ offset: z.number().int().min(0), length: z.number().int().min(0) }),
  z.tuple([z.number().int().min(0), z.number().int().min(0)]),
]);

/**
 * Reads a changed-range list: a JSON array of `{offset, length}` or `[offset, length]`, or
 * text with one `offset length` pair per line (`#` comments allowed).
 */
export async function readChangedRanges(file: string): Promise<ChangedRange[]> {
  const text = await readFile(file, "utf8").catch((error: unknown) => {
    throw new LifeboatError("LB_INVALID_INPUT", `cannot read --changed-ranges ${file}`, {
      cause: error,
    });
  });
  const bad = (why: string) =>
    new LifeboatError("LB_INVALID_INPUT", `--changed-ranges ${file}: ${why}`, {
      remedy: 'Give a JSON array of {"offset": n, "length": n}, or lines "offset length".',
    });
  if (text.trimStart().startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw bad("not valid JSON");
    }
    const result = z.array(rangeSchema).safeParse(parsed);
    if (!result.success) throw bad(result.error.issues[0]?.message ?? "invalid");
    return result.data.map((r) =>
      Array.isArray(r) ? { offset: r[0], length: r[1] } : { offset: r.offset, length: r.length },
    );
  }
  const ranges: ChangedRange[] = [];
  for (const [i, raw] of text.split("\n").entries()) {
    const line = raw.replace(/#.*/, "").trim();
    if (line === "") continue;
    const match = /^(\d+)[\s,]+(\d+)$/.exec(line);
    if (!match) throw bad(`line ${i + 1} is not "offset length"`);
    ranges.push({ offset: Number(match[1]), length: Number(match[2]) });
  }
  return ranges;
}
