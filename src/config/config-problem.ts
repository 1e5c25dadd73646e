import { LifeboatError } from "../model/errors.js";

/** One thing wrong with a config file, named by its key path (`providers.east.region`). */
export interface ConfigProblem {
  /** Dotted key path; array items as `[i]`, odd keys as `["m5.large"]`; "" for the whole file. */
  readonly path: string;
  /** What is wrong and what to change. */
  readonly message: string;
  /** 1-based position in the file, when known. */
  readonly line?: number;
  readonly column?: number;
}

const plainKey = /^[A-Za-z_$][\w$-]*$/;

/** Renders a key path the way a user finds it in YAML: `environments.shop.health[0].http`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of segments) {
    if (typeof segment === "number") out += `[${segment}]`;
    else {
      const key = String(segment);
      out += plainKey.test(key) ? (out ? `.${key}` : key) : `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

/** One problem as one line: `path: message (line 4, column 5)`. */
export function formatProblem(problem: ConfigProblem): string {
  const where =
    problem.line === undefined
      ? ""
      : ` (line ${problem.line}${problem.column === undefined ? "" : `, column ${problem.column}`})`;
  return `${problem.path || "(file)"}: ${problem.message}${where}`;
}

/** The one error for an invalid config: every problem, one per line, also in details. */
export function configInvalidError(
  file: string,
  problems: readonly ConfigProblem[],
): LifeboatError {
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  const lines = problems.map((p) => `  ${formatProblem(p)}`).join("\n");
  return new LifeboatError("LB_CONFIG_INVALID", `${file} has ${count}:\n${lines}`, {
    details: { file, problems: problems.map((p) => ({ ...p })) },
  });
}
