import { configSchema, type LifeboatConfig } from "../model/config.js";
import { checkAttachedWorkflows } from "./attached-workflows.js";
import { formatPath, type ConfigProblem } from "./config-problem.js";
import { checkProviderNames, checkReferences, type ReportProblem } from "./cross-references.js";
import { deepFreeze, type DeepReadonly } from "./deep-freeze.js";
import { configErrorMap, problemsFromIssues } from "./format-issues.js";
import { checkSecretSources, type SecretContext } from "./secret-sources.js";
import { parseYamlSource } from "./yaml-source.js";

/** A validated, defaulted, deeply frozen config. */
export type ValidConfig = DeepReadonly<LifeboatConfig>;

export type ValidationResult =
  | { readonly ok: true; readonly config: ValidConfig }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

export interface ValidateOptions {
  /**
   * When set, password sources (and credential variables) must resolve in this context, or
   * they are problems too. `config validate` sets it; ordinary loading reads secrets lazily.
   */
  readonly secrets?: SecretContext;
}

/**
 * Validates the text of a config file in stages: YAML syntax, then the schema, then cross
 * references. Every problem found is returned at once, each with its key path and position.
 */
export function validateConfigText(text: string, options: ValidateOptions = {}): ValidationResult {
  const source = parseYamlSource(text);
  if (source.problems.length > 0) return { ok: false, problems: source.problems };

  const problems: ConfigProblem[] = [];
  const report: ReportProblem = (path, message) =>
    problems.push({ path: formatPath(path), message, ...source.locate(path) });

  const parsed = configSchema.safeParse(source.data, {
    reportInput: true,
    error: configErrorMap,
  });
  checkProviderNames(source.data, report);
  if (parsed.success) {
    checkReferences(parsed.data, report);
    checkAttachedWorkflows(parsed.data, report);
  } else problems.push(...problemsFromIssues(configSchema, parsed.error.issues, source.locate));
  if (options.secrets) checkSecretSources(source.data, options.secrets, report);

  if (!parsed.success || problems.length > 0) return { ok: false, problems: sortByLine(problems) };
  return { ok: true, config: deepFreeze(parsed.data) };
}

/** File order reads best; problems without a position keep their relative order at the end. */
function sortByLine(problems: ConfigProblem[]): ConfigProblem[] {
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort((a, b) => {
      const la = a.problem.line ?? Number.MAX_SAFE_INTEGER;
      const lb = b.problem.line ?? Number.MAX_SAFE_INTEGER;
      return la - lb || (a.problem.column ?? 0) - (b.problem.column ?? 0) || a.index - b.index;
    })
    .map(({ problem }) => problem);
}
