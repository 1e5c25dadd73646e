/** Command-line options of `npm run bench`. */
export interface BenchArgs {
  /** Image size in bytes (`--size 256M`, default 1 GiB). */
  readonly size: number;
  /** Tools to run (`--tools lifeboat,lifeboat-agent,lifeboat-reread,restic,borg`, the default; `none` for stages only). */
  readonly tools: readonly string[];
  /** Parent of the temporary work folder (`--workdir`, default the OS temp folder). */
  readonly workdir: string | null;
  /** Keep the work folder afterwards (`--keep`). */
  readonly keep: boolean;
  /** Where the JSON result goes (`--out`, default bench-results/). */
  readonly out: string;
  /** Also run the data-protection benchmarks: hydration into moto, PostgreSQL RPO (`--no-data` skips). */
  readonly data: boolean;
  /** Also run the volume-protection incremental (journal, scan, restic; `--no-protect` skips). */
  readonly protect: boolean;
}

const UNITS: Record<string, number> = { "": 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30 };

/** Parses "256M", "1G", "512MiB", "1073741824". */
export function parseSize(text: string): number {
  const match = /^(\d+)\s*([KMG]?)(i?B)?$/i.exec(text.trim());
  if (!match) throw new Error(`--size: cannot read "${text}" (try 256M or 1G)`);
  const size = Number(match[1]) * (UNITS[match[2]!.toUpperCase()] ?? 1);
  if (size < 16 * 2 ** 20) throw new Error("--size: at least 16M");
  return size;
}

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  let size = 2 ** 30;
  let tools = ["lifeboat", "lifeboat-agent", "lifeboat-reread", "restic", "borg"];
  let workdir: string | null = null;
  let keep = false;
  let out = "bench-results";
  let data = true;
  let protect = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === "--size") size = parseSize(value());
    else if (arg === "--tools")
      tools = value()
        .split(",")
        .filter((t) => t !== "none" && t !== "");
    else if (arg === "--workdir") workdir = value();
    else if (arg === "--keep") keep = true;
    else if (arg === "--out") out = value();
    else if (arg === "--no-data") data = false;
    else if (arg === "--no-protect") protect = false;
    else throw new Error(`unknown option ${arg} (see docs/benchmarks.md)`);
  }
  return { size, tools, workdir, keep, out, data, protect };
}
