/**
 * PostgreSQL's archive file names (`%f`): 24-hex WAL segments, `<TLI>.history` timeline
 * histories, `<segment>.<offset>.backup` backup-history files and `<segment>.partial` files.
 */
export type WalFileKind = "segment" | "history" | "backup" | "partial";

export interface WalFileName {
  readonly name: string;
  readonly kind: WalFileKind;
  /** Timeline id (for `.history`, the timeline it creates). */
  readonly timeline: number;
}

const segmentPattern = /^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})$/;

/** Parses an archive file name; undefined when PostgreSQL would never archive such a name. */
export function parseWalName(name: string): WalFileName | undefined {
  if (segmentPattern.test(name)) {
    return { name, kind: "segment", timeline: parseInt(name.slice(0, 8), 16) };
  }
  const history = /^([0-9A-F]{8})\.history$/.exec(name);
  if (history) return { name, kind: "history", timeline: parseInt(history[1]!, 16) };
  const backup = /^([0-9A-F]{24})\.[0-9A-F]{8}\.backup$/.exec(name);
  if (backup) return { name, kind: "backup", timeline: parseInt(name.slice(0, 8), 16) };
  if (/^[0-9A-F]{24}\.partial$/.test(name)) {
    return { name, kind: "partial", timeline: parseInt(name.slice(0, 8), 16) };
  }
  return undefined;
}

/**
 * The position of a segment on its timeline (log × segments-per-log + seg), so that gaps can
 * be found. PostgreSQL names segments `TLI LOG SEG` where SEG counts to 0x100000000 / segment
 * size; with the 16 MiB default that is 256 per log.
 */
export function segmentNumber(name: string, segmentBytes = 16 * 1024 * 1024): bigint {
  const match = segmentPattern.exec(name);
  if (!match) throw new RangeError(`${name} is not a WAL segment name`);
  const perLog = 0x100000000n / BigInt(segmentBytes);
  return BigInt(parseInt(match[2]!, 16)) * perLog + BigInt(parseInt(match[3]!, 16));
}
