import { invariant } from "../../model/errors.js";
import { BlobType, type PackEntry } from "../pack/pack-entry.js";

/** Where a blob is stored, as the in-memory index returns it. */
export interface BlobLocation {
  readonly packId: string;
  readonly type: BlobType;
  readonly offset: number;
  readonly length: number;
  readonly rawLength: number;
}

const idWords = 8;
/** The pack column's top bit holds the blob type, so no separate type column is needed. */
const treeBit = 0x8000_0000;
/** Slots per entry of capacity: a load factor of at most 0.75 (linear probing stays short). */
const slotsPerEntry = 4 / 3;

function slotCount(capacity: number): number {
  return Math.ceil(capacity * slotsPerEntry);
}

/** Maps a uniform 32-bit word onto [0, n) without a modulo ("fastrange"). */
function home(w0: number, n: number): number {
  return Math.floor((w0 * n) / 0x1_0000_0000);
}

function word(id: Uint8Array, i: number): number {
  const at = i * 4;
  return (id[at]! | (id[at + 1]! << 8) | (id[at + 2]! << 16) | (id[at + 3]! << 24)) >>> 0;
}

/**
 * The in-memory blob index: blob id → pack, offset, lengths. An open-addressing hash table
 * with linear probing over typed arrays (docs/repository-format.md, "In-memory index"): dense
 * per-entry columns of 48 bytes (id, pack number with the type in its top bit, offset,
 * length, raw length), grown by doubling, and a slot array of uint32 entry numbers at load
 * factor ≤ 0.75. Blob ids are HMAC outputs, so their first word is a uniform hash.
 * The first location added for an id wins; later duplicates are ignored.
 */
export class BlobIndex {
  #ids: Uint32Array;
  #pack: Uint32Array;
  #offset: Uint32Array;
  #length: Uint32Array;
  #raw: Uint32Array;
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
    this.#slots = new Uint32Array(slotCount(capacity));
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
    this.#pack[n] = this.#packNumber(packId) | (entry.type === BlobType.tree ? treeBit : 0);
    this.#offset[n] = entry.offset;
    this.#length[n] = entry.length;
    this.#raw[n] = entry.rawLength;
    this.#slots[slot] = n + 1;
    return true;
  }

  /**
   * Adds the entry encoded at `buf[at]` (pack-entry layout: type, id, offset, length, raw
   * length) without building an entry object: loading a large index allocates nothing per blob.
   */
  addEncoded(packId: string, buf: Buffer, at: number): boolean {
    return this.add(packId, {
      type: buf[at] === BlobType.tree ? BlobType.tree : BlobType.data,
      id: buf.subarray(at + 1, at + 33),
      offset: buf.readUInt32LE(at + 33),
      length: buf.readUInt32LE(at + 37),
      rawLength: buf.readUInt32LE(at + 41),
    });
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
      packId: this.#packIds[this.#pack[n]! & ~treeBit]!,
      type: this.#pack[n]! & treeBit ? BlobType.tree : BlobType.data,
      offset: this.#offset[n]!,
      length: this.#length[n]!,
      rawLength: this.#raw[n]!,
    };
  }

  #packNumber(packId: string): number {
    let n = this.#packNumbers.get(packId);
    if (n === undefined) {
      n = this.#packIds.length;
      invariant(n < treeBit, "more than 2^31 packs in one index");
      this.#packIds.push(packId);
      this.#packNumbers.set(packId, n);
    }
    return n;
  }

  /** The slot holding `id`, or the empty slot where it would go. */
  #find(id: Uint8Array): number {
    const size = this.#slots.length;
    const w0 = word(id, 0);
    for (let slot = home(w0, size); ; slot = slot + 1 === size ? 0 : slot + 1) {
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
    this.#slots = new Uint32Array(slotCount(capacity));
    const size = this.#slots.length;
    for (let n = 0; n < this.#count; n++) {
      let slot = home(this.#ids[n * idWords]!, size);
      while (this.#slots[slot] !== 0) slot = slot + 1 === size ? 0 : slot + 1;
      this.#slots[slot] = n + 1;
    }
  }
}
