import { createHash } from "node:crypto";
import { LifeboatError } from "../model/errors.js";
import type { Secret } from "../model/secret.js";
import type { Backend } from "./backend.js";
import { calibrateKdf, type KdfParams } from "./crypto/kdf.js";
import { createKeyFile, decodeKeyFile, unwrapKeyFile } from "./crypto/key-file.js";
import type { MasterKey } from "./crypto/master-key.js";
import type { KeySlotPrefetch } from "./key-slot-prefetch.js";

export interface KeySlotInfo {
  readonly id: string;
  readonly created: string;
  readonly host: string;
  readonly username: string;
  readonly kdf: KdfParams;
}

/** Writes a new key slot wrapping `master`; resolves its id. */
export async function addKeySlot(
  backend: Backend,
  master: MasterKey,
  passphrase: Secret,
  kdf?: KdfParams,
): Promise<string> {
  const bytes = await createKeyFile(master, passphrase, kdf ?? (await calibrateKdf()));
  const id = createHash("sha256").update(bytes).digest("hex");
  await backend.save("keys", id, bytes);
  return id;
}

/**
 * Tries every key slot with the passphrase (newest first: a recently changed passphrase is the
 * likely one). Reads only. No slot opens → `LB_REPO_WRONG_PASSWORD`; no slot at all →
 * `LB_REPO_NOT_FOUND`. Damaged slots are skipped as long as another one opens. A
 * {@link KeySlotPrefetch} (same backend, same passphrase) saves the listing, the newest slot's
 * read and its key derivation, which it started earlier; the slot is validated all the same.
 */
export async function openKeySlots(
  backend: Backend,
  passphrase: Secret,
  prefetch?: KeySlotPrefetch,
): Promise<{ master: MasterKey; keyId: string }> {
  const listed =
    prefetch?.listed ??
    (await backend.list("keys")).sort((a, b) => b.modified.getTime() - a.modified.getTime());
  if (listed.length === 0) {
    throw new LifeboatError(
      "LB_REPO_NOT_FOUND",
      `no repository (no key files) at ${backend.location}`,
    );
  }
  let damaged = 0;
  for (const { name } of listed) {
    let master: MasterKey | undefined;
    try {
      const early = prefetch?.newest?.name === name ? prefetch : undefined;
      const file = decodeKeyFile(
        early?.newest?.bytes ?? (await backend.load("keys", name)),
        `keys/${name}`,
      );
      const derived = early?.derived;
      const same =
        derived !== undefined &&
        derived.salt === file.salt &&
        derived.params.N === file.N &&
        derived.params.r === file.r &&
        derived.params.p === file.p;
      master = await unwrapKeyFile(
        file,
        passphrase,
        `keys/${name}`,
        same ? derived.key : undefined,
      );
    } catch (error) {
      if (error instanceof LifeboatError && error.category === "integrity") {
        damaged++;
        continue;
      }
      throw error;
    }
    if (master) return { master, keyId: name };
  }
  throw new LifeboatError(
    "LB_REPO_WRONG_PASSWORD",
    `no key slot of ${backend.location} opens with this password`,
    {
      details: { slots: listed.length, damagedSlots: damaged },
    },
  );
}

export async function listKeySlots(backend: Backend): Promise<KeySlotInfo[]> {
  const slots: KeySlotInfo[] = [];
  for (const { name } of await backend.list("keys")) {
    const file = decodeKeyFile(await backend.load("keys", name), `keys/${name}`);
    slots.push({
      id: name,
      created: file.created,
      host: file.host,
      username: file.username,
      kdf: { N: file.N, r: file.r, p: file.p },
    });
  }
  return slots.sort((a, b) => a.created.localeCompare(b.created));
}

/** Removes a key slot; never the one in use, never the last one. */
export async function removeKeySlot(backend: Backend, id: string, inUse: string): Promise<void> {
  const names = (await backend.list("keys")).map((k) => k.name);
  if (!names.includes(id)) {
    throw new LifeboatError("LB_REPO_KEY_NOT_FOUND", `no key slot ${id}`, { details: { key: id } });
  }
  if (id === inUse) {
    throw new LifeboatError(
      "LB_INVALID_INPUT",
      "refusing to remove the key slot this session opened with",
      {
        remedy: "Open the repository with another key's password to remove this one.",
      },
    );
  }
  if (names.length <= 1) {
    throw new LifeboatError("LB_INVALID_INPUT", "refusing to remove the last key slot", {
      remedy: "Add another key first; without a key slot the repository is unreadable.",
    });
  }
  await backend.remove("keys", id);
}
