/**
 * `--include` patterns: `*` matches within one path component, `**` across components, `?` one
 * character. A pattern matches an entry's path relative to the snapshot root (`a/b/c`), or any
 * ancestor of it (so `etc` includes everything below `etc`). A leading `/` is ignored.
 */
export function globMatcher(patterns: readonly string[]): (path: string) => boolean {
  if (patterns.length === 0) return () => true;
  const regexes = patterns.map(toRegex);
  return (path) => {
    const parts = path.split("/");
    for (let n = parts.length; n > 0; n--) {
      const prefix = parts.slice(0, n).join("/");
      if (regexes.some((r) => r.test(prefix))) return true;
    }
    return false;
  };
}

/** Whether some pattern could match below `dir` (so the walk must descend into it). */
export function mayMatchBelow(patterns: readonly string[], dir: string): boolean {
  if (patterns.length === 0) return true;
  return patterns.some((p) => {
    const head = p.replace(/^\/+/, "").split("/");
    const parts = dir.split("/");
    for (let i = 0; i < parts.length; i++) {
      const seg = head[i];
      if (seg === undefined) return true;
      if (seg === "**") return true;
      if (!toRegex(seg).test(parts[i]!)) return false;
    }
    return true;
  });
}

function toRegex(pattern: string): RegExp {
  let out = "";
  const p = pattern.replace(/^\/+/, "").replace(/\/+$/, "");
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === "*" && p[i + 1] === "*") {
      out += ".*";
      i++;
      if (p[i + 1] === "/") i++;
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else out += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${out}$`);
}
