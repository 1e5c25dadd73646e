import { createHash } from "node:crypto";
import { LifeboatError, type ErrorCode } from "../model/errors.js";
import { BlobIndex } from "./index/blob-index.js";
import { loadIndexPlain, visitIndexFile } from "./index/index-file.js";
import { BlobType, type PackEntry } from "./pack/pack-entry.js";
import { parsePack, readPackHeader } from "./pack/pack-header.js";
import type { Repository } from "./repository.js";
import type { StoredSnapshot } from "./snapshot/snapshot.js";
import { dataBlobsOf, decodeTree } from "./tree.js";

export interface CheckFinding {
  readonly code: ErrorCode;
  /** The damaged object: `data/ab/abcd…`, `index/…`, `snapshots/…`, or `index` for lost entries. */
  readonly object: string;
  readonly message: string;
  /** Snapshots that reference data in this object (sorted). */
  readonly snapshots: string[];
}

export interface CheckReport {
  readonly ok: boolean;
  readonly errors: CheckFinding[];
  /** Harmless oddities, e.g. unindexed packs left by a crashed or running writer. */
  readonly warnings: { object: string; message: string }[];
  readonly counts: {
    snapshots: number;
    indexFiles: number;
    packs: number;
    blobs: number;
    packsRead: number;
  };
}

export interface CheckOptions {
  /** Download every pack, verify its hash, decrypt every blob and re-compute its id. */
  readonly readData?: boolean;
  /** Like readData, for this fraction (0–1) of packs, chosen at random. */
  readonly readDataSubset?: number;
  readonly parallel?: number;
}

const packPath = (id: string) => `data/${id.slice(0, 2)}/${id}`;
const hex = (id: Uint8Array) => Buffer.from(id).toString("hex");

/**
 * Verifies a repository (docs/repository-format.md, "Check") and names every damaged object
 * with the snapshots it affects. Read-only apart from a shared lock, which keeps a concurrent
 * prune from deleting packs under it.
 */
export async function checkRepository(
  repo: Repository,
  options: CheckOptions = {},
): Promise<CheckReport> {
  const lock = await repo.lockShared("check");
  try {
    return await new Checker(repo, options).run();
  } finally {
    await lock.release();
  }
}

/**
 * The error a failed check ends with (exit 4: every finding is integrity-class), or undefined
 * when the repository is sound. Its details list each damaged object and the snapshots affected.
 */
export function checkError(report: CheckReport): LifeboatError | undefined {
  const first = report.errors[0];
  if (first === undefined) return undefined;
  const code =
    first.code === "LB_REPO_OBJECT_MISSING" || first.code.endsWith("_CORRUPT")
      ? first.code
      : "LB_REPO_PACK_CORRUPT";
  return new LifeboatError(
    code,
    `check found ${report.errors.length} damaged object(s), first ${first.object}`,
    {
      details: {
        findings: report.errors.map((f) => ({
          code: f.code,
          object: f.object,
          snapshots: f.snapshots,
        })),
      },
    },
  );
}

class Checker {
  readonly errors = new Map<string, CheckFinding>();
  readonly warnings: { object: string; message: string }[] = [];
  readonly index = new BlobIndex();
  /**
   * Per pack listed in an index file: how many blobs the merged index locates in it. Only
   * counts, not entries, are kept beside the index, so check needs about a backup's memory.
   */
  readonly located = new Map<string, number>();
  /** Packs that are missing or damaged as a whole. */
  readonly badPacks = new Set<string>();
  /** Blob id (hex) → the damaged object that holds it (individually damaged blobs). */
  readonly bad = new Map<string, string>();
  readonly counts = { snapshots: 0, indexFiles: 0, packs: 0, blobs: 0, packsRead: 0 };

  constructor(
    readonly repo: Repository,
    readonly options: CheckOptions,
  ) {}

  async run(): Promise<CheckReport> {
    // Snapshots first, then the index: a snapshot committed meanwhile has its index already.
    const snapshots = await this.loadSnapshots();
    await this.loadIndexFiles();
    await this.checkPacks();
    await this.checkSnapshots(snapshots);
    const errors = [...this.errors.values()].map((f) => ({
      ...f,
      snapshots: [...new Set(f.snapshots)].sort(),
    }));
    return { ok: errors.length === 0, errors, warnings: this.warnings, counts: this.counts };
  }

  report(code: ErrorCode, object: string, message: string): CheckFinding {
    let finding = this.errors.get(object);
    if (!finding) this.errors.set(object, (finding = { code, object, message, snapshots: [] }));
    return finding;
  }

  async loadSnapshots(): Promise<StoredSnapshot[]> {
    const loaded: StoredSnapshot[] = [];
    for (const { name } of await this.repo.backend.list("snapshots")) {
      try {
        loaded.push(await this.repo.loadSnapshot(name));
      } catch (error) {
        const e = asIntegrity(error);
        this.report(e.code, `snapshots/${name}`, e.message).snapshots.push(name);
      }
    }
    this.counts.snapshots = loaded.length;
    return loaded;
  }

  async loadIndexFiles(): Promise<void> {
    // In name order, as loadIndex does, so "first location wins" picks the same entry.
    const names = (await this.repo.backend.list("index")).map((i) => i.name).sort();
    for (const name of names) {
      this.counts.indexFiles++;
      try {
        const plain = await loadIndexPlain(this.repo.backend, this.repo.codec, name);
        visitIndexFile(plain, `index/${name}`, (packId, buf, at) => {
          const added = this.index.addEncoded(packId, buf, at) ? 1 : 0;
          this.located.set(packId, (this.located.get(packId) ?? 0) + added);
        });
      } catch (error) {
        const e = asIntegrity(error);
        this.report(e.code, `index/${name}`, e.message);
      }
    }
    this.counts.blobs = this.index.size;
  }

  async checkPacks(): Promise<void> {
    const stored = new Map((await this.repo.backend.list("data")).map((i) => [i.name, i.size]));
    this.counts.packs = stored.size;
    for (const name of stored.keys()) {
      if (!this.located.has(name)) {
        this.warnings.push({
          object: packPath(name),
          message: "pack is in no index (left by a crashed or running writer; prune removes it)",
        });
      }
    }
    const fraction = this.options.readData ? 1 : (this.options.readDataSubset ?? 0);
    const queue = [...this.located.keys()];
    const worker = async () => {
      for (let packId = queue.shift(); packId !== undefined; packId = queue.shift()) {
        await this.checkPack(packId, stored.get(packId), Math.random() < fraction);
      }
    };
    await Promise.all(Array.from({ length: this.options.parallel ?? 4 }, worker));
  }

  markPack(packId: string, code: ErrorCode, message: string): void {
    this.report(code, packPath(packId), message);
    this.badPacks.add(packId);
  }

  async checkPack(packId: string, size: number | undefined, readData: boolean): Promise<void> {
    if (size === undefined) {
      this.markPack(
        packId,
        "LB_REPO_OBJECT_MISSING",
        `${packPath(packId)} is listed in the index but does not exist`,
      );
      return;
    }
    let header: PackEntry[];
    let bytes: Uint8Array | undefined;
    try {
      if (readData) {
        bytes = await this.repo.backend.load("data", packId);
        this.counts.packsRead++;
        if (createHash("sha256").update(bytes).digest("hex") !== packId) {
          this.report(
            "LB_REPO_PACK_CORRUPT",
            packPath(packId),
            `${packPath(packId)}: content does not match its name (SHA-256)`,
          );
        }
        header = parsePack(this.repo.codec, bytes, packId);
      } else {
        header = await readPackHeader(this.repo.backend, this.repo.codec, packId, size);
      }
    } catch (error) {
      const e = asIntegrity(error);
      this.markPack(packId, e.code, e.message);
      return;
    }
    const disagree = () =>
      this.report(
        "LB_REPO_INDEX_CORRUPT",
        packPath(packId),
        `the index disagrees with the header of ${packPath(packId)} (run repair index)`,
      );
    let matched = 0;
    let mismatched = 0;
    for (const found of header) {
      const entry = this.index.get(found.id);
      if (entry?.packId !== packId) continue;
      if (
        found.offset === entry.offset &&
        found.length === entry.length &&
        found.rawLength === entry.rawLength &&
        found.type === entry.type
      ) {
        matched++;
      } else {
        mismatched++;
        disagree();
        this.bad.set(hex(found.id), packPath(packId));
      }
    }
    if (matched + mismatched < (this.located.get(packId) ?? 0)) {
      // The index locates blobs here that the header does not list: find them (rare, so a scan).
      const listed = new Set(header.map((e) => hex(e.id)));
      for (const { packId: where, entry } of this.index.entries()) {
        if (where === packId && !listed.has(hex(entry.id))) {
          disagree();
          this.bad.set(hex(entry.id), packPath(packId));
        }
      }
    }
    if (bytes === undefined) return;
    for (const entry of header) {
      try {
        const plain = this.repo.codec.decodeBlob(
          bytes.subarray(entry.offset, entry.offset + entry.length),
          entry.rawLength,
          packPath(packId),
        );
        if (!this.repo.key.blobId(plain).equals(entry.id))
          throw new LifeboatError("LB_REPO_PACK_CORRUPT", "blob id mismatch");
      } catch {
        this.report(
          "LB_REPO_PACK_CORRUPT",
          packPath(packId),
          `${packPath(packId)}: a blob fails authentication or its id check`,
        );
        this.bad.set(hex(entry.id), packPath(packId));
      }
    }
  }

  async checkSnapshots(snapshots: readonly StoredSnapshot[]): Promise<void> {
    const memo = new Map<string, Set<string>>();
    const lost = new Set<string>();
    const problemOf = (id: string): string | undefined => {
      const damaged = this.bad.get(id);
      if (damaged !== undefined) return damaged;
      const location = this.index.get(Buffer.from(id, "hex"));
      if (location === undefined) return "index";
      return this.badPacks.has(location.packId) ? packPath(location.packId) : undefined;
    };
    const walkTree = async (treeId: string): Promise<Set<string>> => {
      const cached = memo.get(treeId);
      if (cached) return cached;
      const problems = new Set<string>();
      memo.set(treeId, problems);
      const direct = problemOf(treeId);
      if (direct !== undefined) {
        if (direct === "index") lost.add(treeId);
        problems.add(direct);
        return problems;
      }
      const id = Buffer.from(treeId, "hex");
      let nodes;
      try {
        const location = this.index.get(id)!;
        if (location.type !== BlobType.tree)
          throw new LifeboatError("LB_REPO_INDEX_CORRUPT", `blob ${treeId} is not a tree`);
        nodes = decodeTree(await this.repo.readBlob(id, location), `tree ${treeId}`);
      } catch (error) {
        const e = asIntegrity(error);
        const object = `${packPath(this.index.get(id)!.packId)}`;
        this.report(e.code, object, e.message);
        this.bad.set(treeId, object);
        problems.add(object);
        return problems;
      }
      for (const node of nodes) {
        for (const blob of dataBlobsOf(node)) {
          const problem = problemOf(blob);
          if (problem === "index") lost.add(blob);
          if (problem !== undefined) problems.add(problem);
        }
        if (node.subtree !== undefined)
          for (const p of await walkTree(node.subtree)) problems.add(p);
      }
      return problems;
    };
    for (const snapshot of snapshots) {
      for (const object of await walkTree(snapshot.root)) {
        const finding =
          object === "index"
            ? this.report(
                "LB_REPO_OBJECT_MISSING",
                "index",
                "blobs referenced by snapshots are in no index file (run repair index; if it does not help, their packs are lost)",
              )
            : this.errors.get(object);
        finding?.snapshots.push(snapshot.id);
      }
    }
    if (lost.size > 0)
      this.warnings.push({
        object: "index",
        message: `${lost.size} referenced blobs are in no index`,
      });
  }
}

/** Damage becomes a finding; anything else (the backend is down, a bug) stops the check. */
function asIntegrity(error: unknown): LifeboatError {
  if (
    error instanceof LifeboatError &&
    (error.category === "integrity" || error.category === "not-found")
  ) {
    return error;
  }
  throw error;
}
