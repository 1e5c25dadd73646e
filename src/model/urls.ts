/** Pure URL rules shared by the config schema and the state store (no I/O). */

/** A URL with any password in it replaced, so a summary can be printed or logged. */
export function redactUrl(url: string): string {
  let redacted = url;
  const start = url.indexOf("://");
  if (start >= 0) {
    // The user info ends at the last "@" before the query: a password may contain "@" or "/".
    const from = start + 3;
    const queryAt = url.slice(from).search(/[?#]/);
    const head = queryAt < 0 ? url.slice(from) : url.slice(from, from + queryAt);
    const at = head.lastIndexOf("@");
    const colon = head.indexOf(":");
    if (at >= 0 && colon >= 0 && colon < at) {
      redacted = `${url.slice(0, from + colon + 1)}***${url.slice(from + at)}`;
    }
  }
  return redacted.replace(/([?&]password=)[^&#]*/gi, "$1***");
}

/** Why a `state` URL cannot be opened, or undefined; the same rules the store applies. */
export function stateUrlProblem(url: string): string | undefined {
  if (url.startsWith("sqlite:")) {
    const rest = url.slice("sqlite:".length);
    if (rest === ":memory:") return undefined;
    if (rest.startsWith("//") && !rest.startsWith("///")) return "use sqlite:///absolute/path";
    if (rest === "" || rest === "//") return "the SQLite path is empty";
    if (/[?#]/.test(rest)) return "query strings are not supported in sqlite: URLs";
    return undefined;
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    try {
      const parsed = new URL(url);
      return parsed.hostname || parsed.searchParams.has("host") ? undefined : "names no host";
    } catch {
      return "is not a valid URL";
    }
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  return scheme
    ? `unsupported scheme "${scheme}:" (use sqlite:<path> or postgres://…)`
    : "has no scheme (use sqlite:<path> or postgres://…)";
}
