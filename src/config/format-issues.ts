import type { z } from "zod";
import { closestMatch } from "./did-you-mean.js";
import { formatPath, type ConfigProblem } from "./config-problem.js";
import { knownKeysAt } from "./known-keys.js";

type Issue = z.core.$ZodIssue;
type RawIssue = z.core.$ZodRawIssue;
type Locate = (path: readonly PropertyKey[]) => { line: number; column: number } | undefined;

const typeNames: Readonly<Record<string, string>> = {
  object: "a mapping (key: value)",
  record: "a mapping (key: value)",
  array: "a list",
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
};

/** How a YAML value looks to the person who wrote it. */
function describe(value: unknown): string {
  if (value === null) return "an empty value (null)";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}

const plural = (n: number | bigint, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * The parse-level error map: plain-language messages for zod's generic issues. Messages set by
 * the schema itself (durations, URLs, names) take precedence over these.
 */
export function configErrorMap(issue: RawIssue): string | undefined {
  if (issue.input === undefined && ["invalid_type", "invalid_value"].includes(issue.code ?? "")) {
    return "is required";
  }
  switch (issue.code) {
    case "invalid_type": {
      return `must be ${typeNames[issue.expected] ?? issue.expected}, got ${describe(issue.input)}`;
    }
    case "invalid_value": {
      const values = issue.values.map((v) => JSON.stringify(v));
      if (values.length === 1) return `must be ${values[0]}, got ${describe(issue.input)}`;
      const hint =
        typeof issue.input === "string"
          ? closestMatch(issue.input, issue.values.map(String))
          : undefined;
      return `${JSON.stringify(issue.input)} is not one of ${values.join(", ")}${hint ? ` (did you mean "${hint}"?)` : ""}`;
    }
    case "too_small":
      if (issue.origin === "array") return `must list at least ${plural(issue.minimum, "item")}`;
      if (issue.origin === "string") return "must not be empty";
      return `must be ${issue.inclusive ? "at least" : "more than"} ${issue.minimum}`;
    case "too_big":
      if (issue.origin === "array") return `must list at most ${plural(issue.maximum, "item")}`;
      return `must be ${issue.inclusive ? "at most" : "less than"} ${issue.maximum}`;
    case "unrecognized_keys":
      return "unknown key";
    case "invalid_format":
      return `${JSON.stringify(issue.input)} is not in the expected format`;
    case "invalid_union":
      return "does not match any of the allowed forms";
    default:
      return undefined;
  }
}

/** Turns zod issues into one problem per key path, with "did you mean" hints for unknown keys. */
export function problemsFromIssues(
  schema: z.ZodType,
  issues: readonly Issue[],
  locate: Locate = () => undefined,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const at = (path: readonly PropertyKey[], message: string) =>
    problems.push({ path: formatPath(path), message, ...locate(path) });
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      const known = knownKeysAt(schema, issue.path);
      for (const key of issue.keys) {
        const hint = closestMatch(key, known);
        const suggestion = hint
          ? ` (did you mean "${hint}"?)`
          : known.length > 0
            ? ` (allowed: ${known.join(", ")})`
            : "";
        at([...issue.path, key], `unknown key${suggestion}`);
      }
    } else if (issue.code === "invalid_key") {
      const inner = issue.issues[0]?.message ?? "is not an allowed key";
      at(issue.path, `key ${inner}`);
    } else {
      at(issue.path, issue.message);
    }
  }
  return problems;
}
