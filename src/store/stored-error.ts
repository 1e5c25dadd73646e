import { z } from "zod";
import { jsonObjectSchema } from "./codec.js";

/**
 * How a run's or step's failure is stored (`error_json`): the stable shape of `toErrorJson`
 * (src/model/errors.ts), so a failure read back can be shown, retried or reported as it was.
 * `code` stays a plain string: a newer Lifeboat may have written a code this one lacks.
 */
export const storedErrorSchema = z
  .object({
    code: z.string().min(1),
    message: z.string(),
    remedy: z.string().optional(),
    retryable: z.boolean().optional(),
    details: jsonObjectSchema.optional(),
  })
  .strict();

export type StoredError = z.infer<typeof storedErrorSchema>;
