/**
 * A fluent builder for `lifeboat.yaml` in tests: starts from a valid two-region `shop` setup
 * and lets a test change exactly what it is about.
 *
 *   const file = ConfigBuilder.shop({ endpoint: moto.url })
 *     .set("environments.shop.failover.after", 1)
 *     .writeTo(dir);
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";

type Tree = Record<string, unknown>;

export interface ShopOptions {
  /** AWS-compatible endpoint (the moto server) for both providers. */
  readonly endpoint?: string;
  readonly sourceRegion?: string;
  readonly targetRegion?: string;
}

export class ConfigBuilder {
  readonly #tree: Tree;

  private constructor(tree: Tree) {
    this.#tree = tree;
  }

  /** Providers `east` and `west`, a local repository, and environment `shop` (tag app=shop). */
  static shop(options: ShopOptions = {}): ConfigBuilder {
    const source = options.sourceRegion ?? "us-east-1";
    const target = options.targetRegion ?? "us-west-2";
    const endpoint = options.endpoint === undefined ? {} : { endpoint: options.endpoint };
    return new ConfigBuilder({
      state: "sqlite:.lifeboat/state.db",
      repository: { url: "file:.lifeboat/repo", passwordEnv: "LIFEBOAT_PASSWORD" },
      providers: {
        east: { type: "aws", region: source, ...endpoint },
        west: { type: "aws", region: target, ...endpoint },
      },
      environments: {
        shop: {
          source: "east",
          select: { tags: { app: "shop" } },
          capture: { every: "5m" },
          recovery: { target: "west", mapping: { zones: { [`${source}a`]: `${target}a` } } },
          failover: { action: "alert", after: 3 },
        },
      },
    });
  }

  /** Sets a value at a dotted path (`environments.shop.capture.every`), creating mappings. */
  set(path: string, value: unknown): this {
    const keys = path.split(".");
    const last = keys.pop();
    if (last === undefined) throw new Error("empty path");
    let node = this.#tree;
    for (const key of keys) {
      const next = node[key];
      if (typeof next !== "object" || next === null) node[key] = {};
      node = node[key] as Tree;
    }
    if (value === undefined) delete node[last];
    else node[last] = value;
    return this;
  }

  /** The value at a dotted path, or undefined. */
  get(path: string): unknown {
    let node: unknown = this.#tree;
    for (const key of path.split(".")) node = (node as Tree | undefined)?.[key];
    return node;
  }

  /** Removes the key at a dotted path. */
  remove(path: string): this {
    return this.set(path, undefined);
  }

  toYaml(): string {
    return stringify(this.#tree);
  }

  /** Writes `<dir>/lifeboat.yaml` and returns its path. */
  writeTo(dir: string, name = "lifeboat.yaml"): string {
    const file = join(dir, name);
    writeFileSync(file, this.toYaml());
    return file;
  }
}
