import type { Clock } from "../model/clock.js";
import type { ChangedRange } from "../repository/archiver/api.js";
import type { BaseImage, ChangeSet, ChangeSource, SourceCounters } from "./change-source.js";
import { fileImage } from "./file-image.js";

const isZero = (data: Uint8Array): boolean => data.every((b) => b === 0);

/**
 * The scan change source: reads the whole device or image and compares each chunk's keyed hash
 * with the base point's chunk id. Works on any file or device; costs a full read per cycle. The
 * point's instant is the scan's start: without quiesce hooks it is crash-consistent at best.
 */
export class ScanSource implements ChangeSource {
  readonly method = "scan" as const;
  readonly instant = "live" as const;
  readonly counters: SourceCounters = { bytesRead: 0 };

  constructor(
    readonly volume: string,
    private readonly path: string,
    private readonly clock: Clock,
  ) {}

  async changes(base: BaseImage | null): Promise<ChangeSet> {
    const at = this.clock.now();
    const image = await fileImage(this.path, this.counters);
    const done = { at, image, meta: {}, consistent: true, commit: async () => undefined };
    if (base === null || base.size !== image.size) return { ...done, ranges: null };
    return { ...done, ranges: await this.compare(base) };
  }

  /** Changed chunk ranges, merged when adjacent. */
  async compare(base: BaseImage): Promise<ChangedRange[]> {
    const image = await fileImage(this.path, this.counters);
    const ranges: { offset: number; length: number }[] = [];
    try {
      const { chunkSize } = base;
      const buffer = new Uint8Array(chunkSize);
      for (let offset = 0, i = 0; offset < image.size; offset += chunkSize, i++) {
        const chunk = buffer.subarray(0, Math.min(chunkSize, image.size - offset));
        await image.read(chunk, offset);
        const id = isZero(chunk) ? null : base.idOf(chunk);
        if (id === base.chunkId(i)) continue;
        const last = ranges.at(-1);
        if (last && last.offset + last.length === offset) last.length += chunk.length;
        else ranges.push({ offset, length: chunk.length });
      }
    } finally {
      await image.close?.();
    }
    return ranges;
  }
}
