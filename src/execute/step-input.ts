import type { z } from "zod";
import { LifeboatError } from "../model/errors.js";

/** Parses a step's bound input with its kind's schema; a mismatch is `LB_INVALID_INPUT`. */
export function parseStepInput<I>(schema: z.ZodType<I>, value: unknown, stepId: string): I {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new LifeboatError("LB_INVALID_INPUT", `step ${stepId}: bad input`, {
    details: {
      stepId,
      issues: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`),
    },
  });
}
