import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from "yaml";
import type { ConfigProblem } from "./config-problem.js";

/** A position in the file, 1-based. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** A parsed YAML file: its data, its syntax problems, and a way to find a key path in it. */
export interface YamlSource {
  readonly data: unknown;
  readonly problems: readonly ConfigProblem[];
  readonly locate: (path: readonly PropertyKey[]) => SourcePosition | undefined;
}

/** Parses YAML text; syntax errors become problems with line and column, never exceptions. */
export function parseYamlSource(text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    // `<<: *anchor` lets a file share probe or mapping blocks between environments.
    merge: true,
  });
  const position = (offset: number | undefined): SourcePosition | undefined => {
    if (offset === undefined) return undefined;
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const problems: ConfigProblem[] = doc.errors.map((error) => ({
    path: "",
    message: `YAML syntax error: ${error.message.split("\n")[0] ?? error.code}`,
    ...position(error.pos[0]),
  }));
  const data = problems.length > 0 ? undefined : safeToJs(doc, problems);
  return { data, problems, locate: (path) => position(offsetOf(doc, path)) };
}

function safeToJs(doc: Document, problems: ConfigProblem[]): unknown {
  try {
    // An empty file is an empty mapping, so the schema can say which keys it needs.
    return doc.toJS({ maxAliasCount: 1000 }) ?? {};
  } catch (error) {
    problems.push({ path: "", message: `YAML error: ${(error as Error).message}` });
    return undefined;
  }
}

/** The offset of the deepest key of `path` present in the document (the key, not its value). */
function offsetOf(doc: Document, path: readonly PropertyKey[]): number | undefined {
  let node: unknown = doc.contents;
  let offset = (node as Node | null)?.range?.[0];
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => String(isScalar(p.key) ? p.key.value : p.key) === String(segment),
      );
      if (!pair) break;
      offset = (pair.key as Node | null)?.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number") {
      node = node.items[segment];
      offset = (node as Node | null)?.range?.[0] ?? offset;
    } else break;
  }
  return offset;
}
