import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { LifeboatError } from "../../model/errors.js";
import { mapLimit } from "../map-limit.js";
import {
  checkRange,
  isObjectName,
  objectPath,
  type Backend,
  type ByteRange,
  type ObjectInfo,
  type ObjectType,
  type SaveResult,
} from "../backend.js";

export interface S3BackendOptions {
  readonly bucket: string;
  /** Key prefix inside the bucket, without leading or trailing slash; "" for the bucket root. */
  readonly prefix?: string;
  readonly region?: string;
  /** Any S3-compatible endpoint (MinIO, Ceph, moto); omit for AWS. */
  readonly endpoint?: string;
  /** Path-style addressing (`endpoint/bucket/key`), needed by most non-AWS services. */
  readonly forcePathStyle?: boolean;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Objects larger than this go up as multipart uploads. Default 16 MiB. */
  readonly multipartThreshold?: number;
  /** Part size for multipart uploads; S3 needs at least 5 MiB. Default 8 MiB. */
  readonly partSize?: number;
}

const mib = 1024 * 1024;

/**
 * A repository in an S3-compatible bucket. Create-only writes use `If-None-Match: *` (on
 * PutObject and CompleteMultipartUpload), so an existing object is never overwritten; a 412
 * answer means the name exists and resolves `{ created: false }`. The SDK's own retries are
 * off: retrying is the job of the retry decorator, which sees our error classification.
 */
export class S3Backend implements Backend {
  readonly location: string;
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #threshold: number;
  readonly #partSize: number;

  constructor(options: S3BackendOptions) {
    this.#bucket = options.bucket;
    this.#prefix = options.prefix ? `${options.prefix.replace(/^\/+|\/+$/g, "")}/` : "";
    this.#threshold = options.multipartThreshold ?? 16 * mib;
    this.#partSize = Math.max(options.partSize ?? 8 * mib, 5 * mib);
    this.location = `s3://${this.#bucket}/${this.#prefix}`;
    this.#client = new S3Client({
      region: options.region ?? "us-east-1",
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
      forcePathStyle: options.forcePathStyle ?? false,
      maxAttempts: 1,
      // Every object is content-addressed and authenticated by us; the SDK's CRC32 in JS would
      // only cost time.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
  }

  #key(type: ObjectType, name: string): string {
    return this.#prefix + objectPath(type, name);
  }

  async save(type: ObjectType, name: string, data: Uint8Array): Promise<SaveResult> {
    const key = this.#key(type, name);
    try {
      if (data.length <= this.#threshold) {
        await this.#client.send(
          new PutObjectCommand({ Bucket: this.#bucket, Key: key, Body: data, IfNoneMatch: "*" }),
        );
      } else {
        await this.#multipart(key, data);
      }
      return { created: true };
    } catch (error) {
      if (statusOf(error) === 412) return { created: false };
      throw s3Error(error, key);
    }
  }

  async #multipart(key: string, data: Uint8Array): Promise<void> {
    const { UploadId } = await this.#client.send(
      new CreateMultipartUploadCommand({ Bucket: this.#bucket, Key: key }),
    );
    try {
      const offsets: number[] = [];
      for (let offset = 0; offset < data.length; offset += this.#partSize) offsets.push(offset);
      // Parts go up a few at a time: one stream per object is the usual S3 bottleneck.
      const parts = await mapLimit(offsets, 4, async (offset, i) => {
        const body = data.subarray(offset, Math.min(offset + this.#partSize, data.length));
        const { ETag } = await this.#client.send(
          new UploadPartCommand({
            Bucket: this.#bucket,
            Key: key,
            UploadId,
            PartNumber: i + 1,
            Body: body,
          }),
        );
        return { ETag, PartNumber: i + 1 };
      });
      await this.#client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.#bucket,
          Key: key,
          UploadId,
          MultipartUpload: { Parts: parts },
          IfNoneMatch: "*",
        }),
      );
    } catch (error) {
      // Leave no orphaned parts behind (they are billed); the original error matters more.
      await this.#client
        .send(new AbortMultipartUploadCommand({ Bucket: this.#bucket, Key: key, UploadId }))
        .catch(() => undefined);
      throw error;
    }
  }

  async load(type: ObjectType, name: string, range?: ByteRange): Promise<Uint8Array> {
    checkRange(range);
    const key = this.#key(type, name);
    if (range?.length === 0) {
      await this.stat(type, name);
      return new Uint8Array(0);
    }
    try {
      const response = await this.#client.send(
        new GetObjectCommand({
          Bucket: this.#bucket,
          Key: key,
          ...(range === undefined
            ? {}
            : { Range: `bytes=${range.offset}-${range.offset + range.length - 1}` }),
        }),
      );
      if (response.Body === undefined) return new Uint8Array(0);
      return await response.Body.transformToByteArray();
    } catch (error) {
      // A range that starts at or past the end: like pread, there are no bytes to return.
      if (statusOf(error) === 416) return new Uint8Array(0);
      throw s3Error(error, key);
    }
  }

  async stat(type: ObjectType, name: string): Promise<ObjectInfo> {
    const key = this.#key(type, name);
    try {
      const head = await this.#client.send(
        new HeadObjectCommand({ Bucket: this.#bucket, Key: key }),
      );
      return { name, size: head.ContentLength ?? 0, modified: head.LastModified ?? new Date(0) };
    } catch (error) {
      throw s3Error(error, key);
    }
  }

  async list(type: ObjectType): Promise<ObjectInfo[]> {
    const prefix = type === "config" ? this.#prefix : `${this.#prefix}${type}/`;
    const found: ObjectInfo[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.#client.send(
          new ListObjectsV2Command({
            Bucket: this.#bucket,
            Prefix: prefix,
            ...(type === "config" ? { Delimiter: "/" } : {}),
            ...(token === undefined ? {} : { ContinuationToken: token }),
          }),
        );
        for (const item of page.Contents ?? []) {
          const name = (item.Key ?? "").slice((item.Key ?? "").lastIndexOf("/") + 1);
          if (!isObjectName(type, name)) continue;
          if (item.Key !== this.#key(type, name)) continue;
          found.push({ name, size: item.Size ?? 0, modified: item.LastModified ?? new Date(0) });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
      return found;
    } catch (error) {
      throw s3Error(error, prefix);
    }
  }

  async remove(type: ObjectType, name: string): Promise<void> {
    const key = this.#key(type, name);
    try {
      await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: key }));
    } catch (error) {
      if (statusOf(error) === 404) return;
      throw s3Error(error, key);
    }
  }

  async close(): Promise<void> {
    this.#client.destroy();
  }
}

function statusOf(error: unknown): number | undefined {
  if (error instanceof S3ServiceException) return error.$metadata.httpStatusCode;
  const meta = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata;
  return meta?.httpStatusCode;
}

const permanentNames = new Set([
  "AccessDenied",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "InvalidBucketName",
  "InvalidArgument",
  "EntityTooSmall",
  "EntityTooLarge",
]);

/** Maps an S3 SDK error to the catalogue: missing key, missing bucket, permanent, retryable. */
export function s3Error(error: unknown, key: string): LifeboatError {
  const status = statusOf(error);
  const name = error instanceof Error ? error.name : "Error";
  const details = { object: key, s3Error: name, httpStatus: status };
  if (name === "NoSuchBucket") {
    return new LifeboatError("LB_REPO_NOT_FOUND", `bucket of ${key} does not exist`, {
      cause: error,
      details,
    });
  }
  if (name === "NoSuchKey" || name === "NotFound" || status === 404) {
    return new LifeboatError("LB_REPO_OBJECT_MISSING", `${key} does not exist`, {
      cause: error,
      details,
    });
  }
  const permanent =
    permanentNames.has(name) ||
    (status !== undefined &&
      status >= 400 &&
      status < 500 &&
      status !== 408 &&
      status !== 429 &&
      status !== 409);
  return new LifeboatError("LB_REPO_BACKEND_UNAVAILABLE", `S3 ${name} on ${key}`, {
    cause: error,
    retryable: !permanent,
    details,
  });
}
