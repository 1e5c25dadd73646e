import type { BigIntStats } from "node:fs";
import type { TreeNode } from "../tree.js";

/** ISO-8601 with nanoseconds, from a bigint nanosecond timestamp (format: "Trees"). */
export function isoNanos(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const frac = String(((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n).padStart(9, "0");
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, `.${frac}Z`);
}

/** Parses {@link isoNanos} back to seconds (as utimes wants them; sub-µs precision is lost). */
export function secondsOf(iso: string): number {
  const match = /\.(\d+)Z$/.exec(iso);
  const whole = Date.parse(iso.replace(/\.\d+Z$/, "Z")) / 1000;
  return match ? whole + Number(`0.${match[1]}`) : whole;
}

const typeOf = (st: BigIntStats): TreeNode["type"] =>
  st.isDirectory()
    ? "dir"
    : st.isSymbolicLink()
      ? "symlink"
      : st.isBlockDevice() || st.isCharacterDevice()
        ? "device"
        : st.isFIFO()
          ? "fifo"
          : st.isSocket()
            ? "socket"
            : "file";

/**
 * The metadata part of a tree node for an `lstat` result. Access times are left out: reading
 * a file for the backup changes them, and an unchanged directory must give an equal tree blob.
 */
export function nodeMetadata(name: string, st: BigIntStats): TreeNode {
  const type = typeOf(st);
  return {
    name,
    type,
    mode: Number(st.mode),
    uid: Number(st.uid),
    gid: Number(st.gid),
    mtime: isoNanos(st.mtimeNs),
    ctime: isoNanos(st.ctimeNs),
    ...(type === "file" ? { size: Number(st.size) } : {}),
    ...(type === "device" ? { device: Number(st.rdev) } : {}),
    ...(type === "file" && st.nlink > 1n ? { hardLinkId: `${st.dev}:${st.ino}` } : {}),
  };
}

/** A file the file system stores with fewer blocks than its size has holes worth finding. */
export function looksSparse(st: BigIntStats): boolean {
  return st.blocks * 512n < st.size;
}
