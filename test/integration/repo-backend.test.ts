import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FsBackend } from "../../src/repository/backends/fs-backend.js";
import { S3Backend } from "../../src/repository/backends/s3-backend.js";
import { motoS3Config, startMoto } from "../harness/moto.js";
import { backendConformance } from "./repo-backend-conformance.js";

backendConformance("fs", async () => {
  const root = await mkdtemp(join(tmpdir(), "lifeboat-fs-"));
  return {
    backend: new FsBackend(join(root, "repo")),
    dispose: () => rm(root, { recursive: true, force: true }),
  };
});

backendConformance("s3 (moto)", async () => {
  const moto = await startMoto();
  const config = motoS3Config(moto);
  const admin = new S3Client(config);
  await admin.send(new CreateBucketCommand({ Bucket: "repo" }));
  admin.destroy();
  const backend = new S3Backend({ bucket: "repo", prefix: "team/a", ...config });
  return {
    backend,
    dispose: async () => {
      await backend.close();
      await moto.stop();
    },
  };
});
