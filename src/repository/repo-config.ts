import { z } from "zod";

const hex32 = z.string().regex(/^[0-9a-f]{64}$/);

/** The `config` object (docs/repository-format.md, "Config"). */
export const repoConfigSchema = z
  .object({
    version: z.number().int().min(1),
    id: hex32,
    /** Seeds the keyed gear table of the content-defined chunker. */
    chunkerKey: hex32,
    packSize: z
      .number()
      .int()
      .min(1024 * 1024)
      .max(128 * 1024 * 1024),
    created: z.string(),
  })
  .strict();

export type RepoConfig = z.infer<typeof repoConfigSchema>;

export const formatVersion = 1;
export const defaultPackSize = 32 * 1024 * 1024;
