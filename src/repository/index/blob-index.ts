import { invariant } from "../../model/errors.js";
import type { BlobType, PackEntry } from "../pack/pack-entry.js";

/** Where a blob is stored, as the in-memory index returns it. */
export interface BlobLocation {
  readonly packId: string;
  readonly type: BlobType;
  readonly offset: number;
  readonly length: number;
  readonly rawLength: number;
}

const idWords = 8;

function word(id: Uint8Array, i: number): number {
  const at = i * 4;
  return (id[at]! | (id[at + 1]! << 8) | (id[at + 2]! << 16) | (id[at + 3]! << 24)) >>> 0;
}

/**
 * The in-memory blob index: blob id → pack, offset, lengths. An open-addressing hash table
 * with linear probing over typed arrays (docs/repository-format.md, "In-memory index"): dense
 * per-entry columns of 49 bytes, grown by doubling, and a slot array of uint32 entry numbers
 * at load factor ≤ 0.5. Blob ids are HMAC outputs, so their first word is a uniform hash.
 * The first location added for an id wins; later duplicates are ignored.
 */
export class BlobIndex {
  #ids: Uint32Array;
  #pack: Uint32Array;
  #offset: Uint32Array;
  #length: Uint32Array;
  #raw: Uint32Array;
  #type: Uint8Array;
  #slots: Uint32Array;
  #count = 0;
  readonly #packIds: string[] = [];
  readonly #packNumbers = new Map<string, number>();

  constructor(initialCapacity = 1024) {
    const capacity = 2 ** Math.ceil(Math.log2(Math.max(16, initialCapacity)));
    this.#ids = new Uint32Array(capacity * idWords);
    this.#pack = new Uint32Array(capacity);
    this.#offset = new Uint32Array(capacity);
    this.#length = new Uint32Array(capacity);
    this.#raw = new Uint32Array(capacity);
    this.#type = new Uint8Array(capacity);
    this.#slots = new Uint32Array(capacity * 2);
  }

  get size(): number {
    return this.#count;
  }

  /** Bytes held by the table's typed arrays (pack-id strings excluded). */
  get tableBytes(): number {
    return (
      this.#ids.byteLength +
      this.#pack.byteLength +
      this.#offset.byteLength +
      this.#length.byteLength +
      this.#raw.byteLength +
      this.#type.byteLength +
      this.#slots.byteLength
    );
  }

  get packIds(): readonly string[] {
    return this.#packIds;
  }

  hasPack(packId: string): boolean {
    return this.#packNumbers.has(packId);
  }

  /** Adds a blob's location; returns false (and changes nothing) if the id is present. */
  add(packId: string, entry: PackEntry): boolean {
    invariant(entry.id.length === 32, "blob ids are 32 bytes");
    const slot = this.#find(entry.id);
    if (this.#slots[slot] !== 0) return false;
    if (this.#count === this.#pack.length) {
      this.#grow();
      return this.add(packId, entry);
    }
    const n = this.#count++;
    for (let i = 0; i < idWords; i++) this.#ids[n * idWords + i] = word(entry.id, i);
    this.#pack[n] = this.#packNumber(packId);
    this.#offset[n] = entry.offset;
    this.#length[n] = entry.length;
    this.#raw[n] = entry.rawLength;
    this.#type[n] = entry.type;
    this.#slots[slot] = n + 1;
    return true;
  }

  has(id: Uint8Array): boolean {
    return this.#slots[this.#find(id)] !== 0;
  }

  /** The entry number of `id` (0 … size − 1, in insertion order), or -1. */
  entryNumber(id: Uint8Array): number {
    return this.#slots[this.#find(id)]! - 1;
  }

  /** The entry with this number, as `entries()` yields it. */
  entryAt(n: number): { packId: string; entry: PackEntry } {
    invariant(Number.isInteger(n) && n >= 0 && n < this.#count, `no index entry ${n}`);
    const id = Buffer.alloc(32);
    for (let i = 0; i < idWords; i++) id.writeUInt32LE(this.#ids[n * idWords + i]!, i * 4);
    const loc = this.#location(n);
    return {
      packId: loc.packId,
      entry: {
        type: loc.type,
        id,
        offset: loc.offset,
        length: loc.length,
        rawLength: loc.rawLength,
      },
    };
  }

  get(id: Uint8Array): BlobLocation | undefined {
    const n = this.#slots[this.#find(id)]!;
    return n === 0 ? undefined : this.#location(n - 1);
  }

  /** Every entry in insertion order. */
  *entries(): Generator<{ packId: string; entry: PackEntry }> {
    for (let n = 0; n < this.#count; n++) yield this.entryAt(n);
  }

  #location(n: number): BlobLocation {
    return {
      packId: this.#packIds[this.#pack[n]!]!,
      type: this.#type[n] as BlobType,
      offset: this.#offset[n]!,
      length: this.#length[n]!,
      rawLength: this.#raw[n]!,
    };
  }

  #packNumber(packId: string): number {
    let n = this.#packNumbers.get(packId);
    if (n === undefined) {
      n = this.#packIds.length;
      this.#packIds.push(packId);
      this.#packNumbers.set(packId, n);
    }
    return n;
  }

  /** The slot holding `id`, or the empty slot where it would go. */
  #find(id: Uint8Array): number {
    const mask = this.#slots.length - 1;
    const w0 = word(id, 0);
    for (let slot = w0 & mask; ; slot = (slot + 1) & mask) {
      const n = this.#slots[slot]!;
      if (n === 0 || this.#matches(n - 1, id, w0)) return slot;
    }
  }

  #matches(n: number, id: Uint8Array, w0: number): boolean {
    const base = n * idWords;
    if (this.#ids[base] !== w0) return false;
    for (let i = 1; i < idWords; i++) if (this.#ids[base + i] !== word(id, i)) return false;
    return true;
  }

  #grow(): void {
    const capacity = this.#pack.length * 2;
    const widen = <T extends Uint32Array | Uint8Array>(
      old: T,
      make: (n: number) => T,
      per = 1,
    ): T => {
      const next = make(capacity * per);
      next.set(old);
      return next;
    };
    this.#ids = widen(this.#ids, (n) => new Uint32Array(n), idWords);
    this.#pack = widen(this.#pack, (n) => new Uint32Array(n));
    this.#offset = widen(this.#offset, (n) => new Uint32Array(n));
    this.#length = widen(this.#length, (n) => new Uint32Array(n));
    this.#raw = widen(this.#raw, (n) => new Uint32Array(n));
    this.#type = widen(this.#type, (n) => new Uint8Array(n));
    this.#slots = new Uint32Array(capacity * 2);
    const mask = this.#slots.length - 1;
    for (let n = 0; n < this.#count; n++) {
      let slot = this.#ids[n * idWords]! & mask;
      while (this.#slots[slot] !== 0) slot = (slot + 1) & mask;
      this.#slots[slot] = n + 1;
    }
  }
}
