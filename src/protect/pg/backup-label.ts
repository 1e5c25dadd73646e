/** What a base backup's `backup_label` says about where recovery must start. */
export interface BackupLabel {
  /** The segment holding the start checkpoint's redo point, e.g. 000000010000000000000002. */
  readonly startWalFile: string;
  readonly startLsn: string;
  readonly timeline: number;
  readonly startTime: string;
}

/** Parses the text of a `backup_label` file; undefined when a required line is missing. */
export function parseBackupLabel(text: string): BackupLabel | undefined {
  const start = /^START WAL LOCATION: (\S+) \(file ([0-9A-F]{24})\)$/m.exec(text);
  const timeline = /^START TIMELINE: (\d+)$/m.exec(text);
  const time = /^START TIME: (.+)$/m.exec(text);
  if (!start || !timeline) return undefined;
  return {
    startLsn: start[1]!,
    startWalFile: start[2]!,
    timeline: Number(timeline[1]),
    startTime: time?.[1]?.trim() ?? "",
  };
}

/**
 * Passes a tar stream through unchanged while reading its first member: pg_basebackup puts
 * `backup_label` first in the main tablespace's tar, so the label is known without a copy of
 * the archive. `label()` resolves once the stream has ended.
 */
export class TarLabelPeek {
  #head: Buffer[] = [];
  #headBytes = 0;
  #label: BackupLabel | undefined;

  async *pass(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      if (this.#headBytes < 8192) {
        this.#head.push(Buffer.from(chunk));
        this.#headBytes += chunk.length;
      }
      yield chunk;
    }
    this.#label = this.#parse(Buffer.concat(this.#head));
    this.#head = [];
  }

  get label(): BackupLabel | undefined {
    return this.#label;
  }

  #parse(head: Buffer): BackupLabel | undefined {
    if (head.length < 512) return undefined;
    const name = head.subarray(0, 100).toString("latin1").replace(/\0.*$/s, "");
    if (name !== "backup_label" && name !== "./backup_label") return undefined;
    const size = parseInt(head.subarray(124, 136).toString("latin1").replace(/\0.*$/s, ""), 8);
    if (!Number.isFinite(size) || head.length < 512 + size) return undefined;
    return parseBackupLabel(head.subarray(512, 512 + size).toString("utf8"));
  }
}
