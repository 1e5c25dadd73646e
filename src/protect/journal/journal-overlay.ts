import type { ChangedRange, ImageSource } from "../../repository/archiver/api.js";
import type { BaseImage } from "../change-source.js";
import type { JournalRecord } from "./journal-reader.js";

/**
 * The volume at a journal cut: the base image with the journal's records up to the cut applied
 * in write order (later writes win). Only chunks the records touch are ever read.
 */
export function journalOverlay(base: BaseImage, records: readonly JournalRecord[]): ImageSource {
  const { chunkSize } = base;
  const byChunk = new Map<number, JournalRecord[]>();
  const order = new Map(records.map((r, i) => [r, i]));
  for (const record of records) {
    const first = Math.floor(record.offset / chunkSize);
    const last = Math.floor((record.offset + record.data.length - 1) / chunkSize);
    for (let i = first; i <= last; i++) {
      const list = byChunk.get(i) ?? [];
      list.push(record);
      byChunk.set(i, list);
    }
  }
  return {
    size: base.size,
    async read(buffer, offset) {
      const end = offset + buffer.length;
      const seen = new Set<JournalRecord>();
      const hits: JournalRecord[] = [];
      for (let i = Math.floor(offset / chunkSize); i * chunkSize < end; i++) {
        for (const r of byChunk.get(i) ?? []) {
          if (seen.has(r)) continue;
          seen.add(r);
          if (r.offset < end && r.offset + r.data.length > offset) hits.push(r);
        }
      }
      hits.sort((a, b) => order.get(a)! - order.get(b)!); // write order: later writes win
      // A changed range (a patch) is all journal bytes: the base is read only where they leave gaps.
      if (!covers(hits, offset, end)) buffer.set(await base.read(offset, buffer.length));
      for (const r of hits) {
        const from = Math.max(offset, r.offset);
        const to = Math.min(end, r.offset + r.data.length);
        buffer.set(r.data.subarray(from - r.offset, to - r.offset), from - offset);
      }
    },
  };
}

/** True when the records' extents together cover [start, end). */
function covers(records: readonly JournalRecord[], start: number, end: number): boolean {
  let at = start;
  for (const r of changedExtents(records)) {
    if (r.offset > at) return false;
    at = Math.max(at, r.offset + r.length);
    if (at >= end) return true;
  }
  return at >= end;
}

/** The union of the records' extents, sorted and merged: what changed, each byte once. */
export function changedExtents(records: readonly JournalRecord[]): ChangedRange[] {
  const sorted = records
    .map((r) => ({ offset: r.offset, end: r.offset + r.data.length }))
    .sort((a, b) => a.offset - b.offset);
  const merged: { offset: number; end: number }[] = [];
  for (const r of sorted) {
    const last = merged.at(-1);
    if (last && r.offset <= last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  return merged.map((r) => ({ offset: r.offset, length: r.end - r.offset }));
}
