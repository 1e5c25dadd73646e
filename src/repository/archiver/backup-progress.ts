/** Counters a backup or restore updates as it goes; a progress renderer polls them. */
export interface TransferCounters {
  /** Bytes of source data read (backup) or written (restore). */
  bytesDone: number;
  /** Total expected, when known up front (null for stdin and devices). */
  bytesTotal: number | null;
  filesDone: number;
  /** Bytes uploaded into packs (sealed), or downloaded (restore). */
  bytesTransferred: number;
}

export function newCounters(bytesTotal: number | null = null): TransferCounters {
  return { bytesDone: 0, bytesTotal, filesDone: 0, bytesTransferred: 0 };
}
