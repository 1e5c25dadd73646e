import type { ExclusionReason, Explanation, InclusionReason } from "./explanation.js";

export interface ExplanationTextOptions {
  /** List every left-out resource, not only the first few per reason (default 5). */
  readonly verbose?: boolean;
}

/**
 * The human form of `lifeboat capture --explain`: what is in and why, what was left out and
 * why, and the references that leave the environment. `--json` prints the Explanation itself.
 */
export function explanationText(e: Explanation, options: ExplanationTextOptions = {}): string {
  const lines: string[] = [`Included: ${e.included.length} resource(s)`];
  const groups = new Map<string, string[]>();
  const push = (key: string, line: string) => groups.set(key, [...(groups.get(key) ?? []), line]);
  for (const item of e.included) {
    const [first, ...more] = item.why;
    const also = more.length > 0 ? ` (+${more.length} more reason(s))` : "";
    if (first)
      push(
        inclusionHeading(first),
        `    ${item.id} "${item.name}"${inclusionDetail(first)}${also}`,
      );
  }
  for (const [heading, list] of groups) lines.push(`  ${heading} (${list.length}):`, ...list);
  lines.push(`Left out: ${e.leftOut.length}`);
  const limit = options.verbose ? Number.POSITIVE_INFINITY : 5;
  const out = new Map<string, string[]>();
  for (const item of e.leftOut) {
    const key = exclusionHeading(item.why);
    out.set(key, [...(out.get(key) ?? []), `    ${item.id}${exclusionDetail(item.why)}`]);
  }
  for (const [heading, list] of out) {
    lines.push(`  ${heading} (${list.length}):`, ...list.slice(0, limit));
    if (list.length > limit) lines.push(`    … ${list.length - limit} more (--verbose lists all)`);
  }
  lines.push(`External references: ${e.externals.length}`);
  for (const x of e.externals) {
    const hints = Object.entries(x.hints).map(([k, v]) => `${k}=${v}`);
    lines.push(`    ${x.id}: ${x.reason}${hints.length > 0 ? ` (${hints.join(", ")})` : ""}`);
  }
  for (const warning of e.warnings) lines.push(`Warning: ${warning}`);
  return `${lines.join("\n")}\n`;
}

function inclusionHeading(why: InclusionReason): string {
  switch (why.type) {
    case "selected":
      return `selected by ${why.by}`;
    case "dependency":
      return "needed by an included resource";
    case "part-of":
      return "part of an included resource";
  }
}

function inclusionDetail(why: InclusionReason): string {
  switch (why.type) {
    case "selected":
      return "";
    case "dependency":
      return ` ← ${why.of} (${why.path})`;
    case "part-of":
      return ` ← ${why.of}: ${why.why}`;
  }
}

function exclusionHeading(why: ExclusionReason): string {
  switch (why.type) {
    case "managed":
      return "created and replaced by another resource";
    case "default":
      return "provider defaults nothing selected uses";
    case "target-outside":
      return "records pointing outside the environment";
    case "not-selected":
      return "not selected (other environments, strays)";
    case "ignored":
      return "never captured";
  }
}

function exclusionDetail(why: ExclusionReason): string {
  switch (why.type) {
    case "managed":
      return ` (by ${why.by})`;
    case "target-outside":
      return ` (→ ${why.target})`;
    case "ignored":
      return ` (${why.why})`;
    default:
      return "";
  }
}
