import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { Clock } from "../../model/clock.js";
import { LifeboatError } from "../../model/errors.js";
import type { BaseImage, ChangeSet, ChangeSource, SourceCounters } from "../change-source.js";
import { fileImage } from "../file-image.js";
import { ScanSource } from "../scan-source.js";
import { changedExtents, journalOverlay } from "./journal-overlay.js";
import {
  currentSession,
  positionAvailable,
  readJournal,
  type JournalPosition,
} from "./journal-reader.js";

const positionSchema = z.object({
  session: z.string().regex(/^[0-9a-f]{16}$/),
  seq: z.number().int().min(0),
  offset: z.number().int().min(0),
});

/** The journal position a point's meta carries, or null. */
export function journalPositionOf(meta: Readonly<Record<string, unknown>>): JournalPosition | null {
  const parsed = positionSchema.safeParse(meta.journal);
  return parsed.success ? parsed.data : null;
}

/** The cut instant in journal nanoseconds: every write stamped within the cut's millisecond. */
export const cutNanos = (at: Date): bigint => BigInt(at.getTime()) * 1_000_000n + 999_999n;

export interface JournalSourceOptions {
  readonly volume: string;
  /** The backing image the pass-through writes to. */
  readonly image: string;
  readonly journalDir: string;
  readonly clock: Clock;
  /** Starts a new journal segment now and resolves with its sequence number (SIGUSR1). */
  readonly rotate: () => Promise<number>;
}

/**
 * The journal change source (docs/protect.md, "Journal"): reads the records the pass-through
 * appended since the base point's position, up to the cut. An incremental reads only the
 * journal and the base chunks the writes touch; any instant since the base can be the cut.
 *
 * When the journal cannot continue from the base (first point, pass-through restarted after a
 * crash or reboot, a corrupt or missing segment), it resynchronises in two steps: a new segment
 * is started, the image is scanned against the base while writes keep being journaled (a
 * *fuzzy* set, `consistent: false`, stored but never a point), and the records since the new
 * segment are then applied over it at the cut, which makes the state exact.
 */
export class JournalSource implements ChangeSource {
  readonly method = "journal" as const;
  readonly instant = "cut" as const;
  readonly counters: SourceCounters = { bytesRead: 0 };
  readonly volume: string;
  #scan: ScanSource;
  #distrusted = false;

  constructor(private readonly options: JournalSourceOptions) {
    this.volume = options.volume;
    this.#scan = new ScanSource(options.volume, options.image, options.clock);
  }

  async changes(base: BaseImage | null, request: { readonly at?: Date } = {}): Promise<ChangeSet> {
    const dir = this.options.journalDir;
    const session = await currentSession(dir);
    if (session === null) {
      throw new LifeboatError("LB_VOLUME_UNAVAILABLE", `no journal session in ${dir}`, {
        remedy: "Start the journal pass-through (`lifeboat agent` mounts it) before protecting.",
        details: { journalDir: dir },
      });
    }
    const from = base === null ? null : journalPositionOf(base.meta);
    if (base === null || from === null || (await this.resyncs(base))) {
      this.#distrusted = false;
      return this.resync(base, session);
    }
    try {
      return await this.incremental(base, from, request.at ?? this.options.clock.now());
    } catch (error) {
      // Never apply past a corrupt record; the next cycle rescans from a fresh segment.
      if (error instanceof LifeboatError && error.code === "LB_JOURNAL_CORRUPT") {
        this.#distrusted = true;
      }
      throw error;
    }
  }

  async resyncs(base: BaseImage | null): Promise<boolean> {
    const from = base === null ? null : journalPositionOf(base.meta);
    if (from === null || this.#distrusted) return true;
    const session = await currentSession(this.options.journalDir);
    return from.session !== session || !(await positionAvailable(this.options.journalDir, from));
  }

  private async incremental(base: BaseImage, from: JournalPosition, at: Date): Promise<ChangeSet> {
    const { records, next, bytesRead } = await readJournal(
      this.options.journalDir,
      from,
      cutNanos(at),
    );
    this.counters.bytesRead += bytesRead;
    return {
      at,
      consistent: true,
      ranges: changedExtents(records),
      image: journalOverlay(base, records),
      writes: records,
      meta: { journal: { ...next } },
      commit: () => this.dropBefore(next),
    };
  }

  private async resync(base: BaseImage | null, session: string): Promise<ChangeSet> {
    const seq = await this.options.rotate();
    const at = this.options.clock.now();
    const ranges = base === null ? null : await this.#scan.compare(base);
    this.counters.bytesRead += this.#scan.counters.bytesRead;
    this.#scan.counters.bytesRead = 0;
    return {
      at,
      consistent: false,
      ranges,
      image: await fileImage(this.options.image, this.counters),
      meta: { journal: { session, seq, offset: 0 } },
      commit: async () => undefined,
    };
  }

  /** Deletes segments a recorded point no longer needs: older sessions, earlier segments. */
  private async dropBefore(position: JournalPosition): Promise<void> {
    const dir = this.options.journalDir;
    for (const name of await readdir(dir)) {
      const match = /^([0-9a-f]{16})-(\d{8})\.lbj$/.exec(name);
      if (!match) continue;
      const old = match[1] !== position.session || Number(match[2]) < position.seq;
      if (old) await rm(join(dir, name), { force: true });
    }
  }
}
