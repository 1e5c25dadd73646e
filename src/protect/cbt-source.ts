import { z } from "zod";
import type { BlockRef, BlockSnapshotStore } from "../providers/block-snapshots.js";
import type { ChangedRange, ImageSource } from "../repository/archiver/api.js";
import type { BaseImage, ChangeSet, ChangeSource, SourceCounters } from "./change-source.js";

/** A provider snapshot of the volume: the instant a CBT point represents. */
export interface ProviderSnapshot {
  readonly snapshotId: string;
  readonly at: Date;
  readonly sizeBytes: number;
}

export interface CbtSourceOptions {
  readonly volume: string;
  readonly blocks: BlockSnapshotStore;
  /**
   * Takes (or finds) a completed provider snapshot of the volume; a consistency group quiesces
   * around this call only (`instant: "snapshot"`).
   */
  readonly snapshot: () => Promise<ProviderSnapshot>;
}

const cbtMetaSchema = z.object({ snapshotId: z.string().min(1) });

/** The provider snapshot a point was read from, or null. */
export function cbtSnapshotOf(meta: Readonly<Record<string, unknown>>): string | null {
  const parsed = cbtMetaSchema.safeParse(meta.cbt);
  return parsed.success ? parsed.data.snapshotId : null;
}

function rangesOf(blocks: readonly BlockRef[], blockSize: number): ChangedRange[] {
  const ranges: { offset: number; length: number }[] = [];
  for (const b of blocks) {
    const last = ranges.at(-1);
    if (last && last.offset + last.length === b.index * blockSize) last.length += blockSize;
    else ranges.push({ offset: b.index * blockSize, length: blockSize });
  }
  return ranges;
}

/**
 * The provider changed-block-tracking source (EBS direct APIs on AWS): a point is a provider
 * snapshot; its changes since the base point's snapshot come from ListChangedBlocks, and only
 * those blocks are fetched (GetSnapshotBlock) and laid over the base image. The first point
 * fetches every written block. moto's ListChangedBlocks omits blocks that exist only in the
 * second snapshot, so the blocks listed in the new snapshot but not in the old one are added
 * (block lists are metadata; no data is read for them).
 */
export class CbtSource implements ChangeSource {
  readonly method = "cbt" as const;
  readonly instant = "snapshot" as const;
  readonly counters: SourceCounters = { bytesRead: 0 };
  readonly volume: string;

  constructor(private readonly options: CbtSourceOptions) {
    this.volume = options.volume;
  }

  async changes(base: BaseImage | null): Promise<ChangeSet> {
    const { blocks } = this.options;
    const snap = await this.options.snapshot();
    const current = await blocks.listBlocks(snap.snapshotId);
    const previous = base === null ? null : cbtSnapshotOf(base.meta);
    const done = {
      at: snap.at,
      consistent: true,
      meta: { cbt: { snapshotId: snap.snapshotId } },
      commit: async () => undefined,
    };
    if (base === null || previous === null || base.size !== snap.sizeBytes) {
      const image = this.blockImage(snap, current.blockSize, current.blocks, null);
      return { ...done, ranges: null, image };
    }
    const diff = await blocks.listChangedBlocks(previous, snap.snapshotId);
    const before = new Set((await blocks.listBlocks(previous)).blocks.map((b) => b.index));
    const changed = new Map(diff.blocks.map((b) => [b.index, b]));
    for (const b of current.blocks) if (!before.has(b.index)) changed.set(b.index, b);
    const list = [...changed.values()].sort((a, b) => a.index - b.index);
    const blockSize = current.blockSize || diff.blockSize;
    return {
      ...done,
      ranges: rangesOf(list, blockSize),
      image: this.blockImage(snap, blockSize, list, base),
    };
  }

  /** The snapshot as an image: `blocks` fetched, everything else from `base` (or zeros). */
  private blockImage(
    snap: ProviderSnapshot,
    blockSize: number,
    blocks: readonly BlockRef[],
    base: BaseImage | null,
  ): ImageSource {
    const byIndex = new Map(blocks.map((b) => [b.index, b]));
    return {
      size: snap.sizeBytes,
      read: async (buffer, offset) => {
        if (base) buffer.set(await base.read(offset, buffer.length));
        else buffer.fill(0);
        const first = Math.floor(offset / blockSize);
        const last = Math.floor((offset + buffer.length - 1) / blockSize);
        const fetches: Promise<void>[] = [];
        for (let i = first; i <= last; i++) {
          const ref = byIndex.get(i);
          if (ref === undefined) continue;
          const at = i * blockSize - offset;
          if (ref.token === "") {
            buffer.fill(0, Math.max(0, at), Math.min(buffer.length, at + blockSize));
            continue;
          }
          fetches.push(
            this.options.blocks.getBlock(snap.snapshotId, ref).then((data) => {
              this.counters.bytesRead += data.length;
              const from = Math.max(0, -at);
              const to = Math.min(data.length, buffer.length - at);
              buffer.set(data.subarray(from, to), at + from);
            }),
          );
        }
        await Promise.all(fetches);
      },
    };
  }
}
