/** Shared set-up for the repository's integration tests: a repository on fs or on moto S3. */
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Secret } from "../../src/model/secret.js";
import type { Backend, ObjectType } from "../../src/repository/backend.js";
import { objectTypes } from "../../src/repository/backend.js";
import { FsBackend } from "../../src/repository/backends/fs-backend.js";
import { S3Backend } from "../../src/repository/backends/s3-backend.js";
import { defaultLockTiming } from "../../src/repository/lock.js";
import { Repository, type RepositoryOptions } from "../../src/repository/repository.js";
import { motoS3Config, startMoto, type MotoServer } from "../harness/moto.js";

export const password = new Secret("correct horse battery staple");
/** Cheap scrypt and a short settle delay: these tests check behaviour, not key strength. */
export const testOptions: RepositoryOptions = {
  kdf: { N: 1024, r: 8, p: 1 },
  lockTiming: { ...defaultLockTiming, settleMs: 5 },
  packSize: 1024 * 1024,
};

export interface BackendPlace {
  readonly label: string;
  make(): Promise<Backend>;
  dispose(): Promise<void>;
}

export async function fsPlace(): Promise<BackendPlace> {
  const root = await mkdtemp(join(tmpdir(), "lifeboat-repo-"));
  let n = 0;
  return {
    label: "fs",
    make: async () => new FsBackend(join(root, `repo-${n++}`)),
    dispose: () => rm(root, { recursive: true, force: true }),
  };
}

export async function s3Place(): Promise<BackendPlace> {
  const moto: MotoServer = await startMoto();
  const config = motoS3Config(moto);
  const admin = new S3Client(config);
  await admin.send(new CreateBucketCommand({ Bucket: "lifeboat" }));
  admin.destroy();
  const made: Backend[] = [];
  return {
    label: "s3",
    make: async () => {
      const backend = new S3Backend({
        bucket: "lifeboat",
        prefix: `repo-${randomBytes(4).toString("hex")}`,
        ...config,
      });
      made.push(backend);
      return backend;
    },
    dispose: async () => {
      for (const backend of made) await backend.close();
      await moto.stop();
    },
  };
}

export async function initRepo(
  place: BackendPlace,
  options: RepositoryOptions = {},
): Promise<Repository> {
  return Repository.init(await place.make(), password, { ...testOptions, ...options });
}

/** Every object in the repository with its size, for "nothing was written" assertions. */
export async function inventory(backend: Backend): Promise<string[]> {
  const all: string[] = [];
  for (const type of objectTypes as readonly ObjectType[]) {
    for (const info of await backend.list(type))
      all.push(`${type}/${info.name}:${info.size}:${info.modified.getTime()}`);
  }
  return all.sort();
}
