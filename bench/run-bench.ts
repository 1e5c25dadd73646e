/**
 * `npm run bench [-- --size 256M] [--tools restic,borg] [--keep] [--workdir DIR] [--out DIR]
 * [--no-protect] [--no-data]`:
 * generates the deterministic image, backs it up with each peer tool (full, incremental after
 * 100 scattered 4 KiB writes, restore of the latest backup, checked byte for byte), measures
 * Lifeboat's own stages, prints Markdown tables and writes JSON to bench-results/.
 * docs/benchmarks.md explains the method and holds the last full run.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseBenchArgs } from "./bench-args.js";
import { BorgRunner } from "./borg-runner.js";
import { readAll } from "./dir-size.js";
import { generateImage, scatterWrites, sha256File } from "./image-generator.js";
import { runMicroStages, runParallelPipeline } from "./micro-stages.js";
import { formatReport, type BenchReport, type ToolResult } from "./report.js";
import { LifeboatRunner } from "./lifeboat-runner.js";
import { ResticRunner } from "./restic-runner.js";
import { runDataProtectionBench } from "./data-protection-bench.js";
import { protectMarkdown, runProtectBench } from "./protect-incremental.js";
import type { BenchContext, Runner } from "./runner.js";

const available: Record<string, () => Runner> = {
  lifeboat: () => new LifeboatRunner("changed-ranges"),
  "lifeboat-agent": () => new LifeboatRunner("in-agent"),
  "lifeboat-reread": () => new LifeboatRunner("reread"),
  restic: () => new ResticRunner(),
  borg: () => new BorgRunner(),
};

const log = (line: string) => console.error(line);
const stamp = (date: string) => date.replace(/[:.]/g, "-");

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2));
  const loadBefore = loadavg();
  const work = mkdtempSync(join(args.workdir ?? tmpdir(), "lifeboat-bench-"));
  log(`work folder ${work}`);
  try {
    const image = join(work, "image.bin");
    let started = performance.now();
    generateImage(image, args.size);
    const generateSeconds = (performance.now() - started) / 1000;
    log(`generated ${args.size} bytes in ${generateSeconds.toFixed(1)} s`);

    const runners: {
      runner: Runner;
      context: BenchContext;
      info: { version: string; settings: string };
    }[] = [];
    const missing: string[] = [];
    for (const name of args.tools) {
      const make = available[name];
      if (make === undefined)
        throw new Error(`unknown tool ${name}; known: ${Object.keys(available).join(", ")}`);
      const runner = make();
      const info = await runner.describe();
      if (info === null) {
        missing.push(name);
        continue;
      }
      const workDir = join(work, name);
      mkdirSync(workDir);
      runners.push({
        runner,
        info,
        context: { workDir, image, imageSize: args.size, changedRanges: [] },
      });
    }

    const full = new Map<Runner, { m: Awaited<ReturnType<Runner["fullBackup"]>>; size: number }>();
    for (const { runner, context } of runners) {
      await runner.init(context);
      log(`${runner.name}: full backup…`);
      const m = await runner.fullBackup(context);
      full.set(runner, { m, size: await runner.repositorySize(context) });
      log(`  ${m.wallSeconds.toFixed(1)} s`);
    }

    const changedRanges = scatterWrites(image, args.size);
    const expected = sha256File(image);
    const tools: ToolResult[] = [];
    for (const entry of runners) {
      const { runner, info } = entry;
      const context = { ...entry.context, changedRanges };
      log(`${runner.name}: incremental backup…`);
      const incremental = await runner.incrementalBackup(context);
      const repoBytesAfterIncremental = await runner.repositorySize(context);
      log(`  ${incremental.wallSeconds.toFixed(1)} s; restore…`);
      // Every tool restores from a cached repository (see readAll).
      readAll(context.workDir);
      const restored = await runner.restore(context, join(context.workDir, "restore"));
      log(`  ${restored.measurement.wallSeconds.toFixed(1)} s`);
      const restoreIdentical = sha256File(restored.file) === expected;
      rmSync(join(context.workDir, "restore"), { recursive: true, force: true });
      const before = full.get(runner)!;
      tools.push({
        name: runner.name,
        ...info,
        full: before.m,
        incremental,
        restore: restored.measurement,
        restoreIdentical,
        repoBytesAfterFull: before.size,
        repoBytesAfterIncremental,
      });
    }

    log("Lifeboat stages…");
    started = performance.now();
    const bytes = readFileSync(image);
    const stages = [...runMicroStages(bytes, log), await runParallelPipeline(bytes, 2, log)];
    log(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const report: BenchReport = {
      date: new Date().toISOString(),
      host: { cpus: cpus()[0]?.model ?? "unknown", cores: cpus().length, loadBefore },
      node: process.version,
      imageBytes: args.size,
      generateSeconds,
      tools,
      missing,
      stages,
    };
    console.log(formatReport(report));
    mkdirSync(args.out, { recursive: true });
    const file = resolve(args.out, `bench-${report.date.replace(/[:.]/g, "-")}.json`);
    writeFileSync(file, JSON.stringify(report, null, 2) + "\n");
    log(`wrote ${file}`);
    if (tools.some((t) => !t.restoreIdentical)) process.exitCode = 1;
    if (args.protect) {
      const protect = await runProtectBench(args.size, log);
      console.log(protectMarkdown(protect));
      const protectFile = resolve(args.out, `bench-protect-${stamp(report.date)}.json`);
      writeFileSync(protectFile, JSON.stringify(protect, null, 2) + "\n");
      log(`wrote ${protectFile}`);
      if (!protect.restoreBetween.identical) process.exitCode = 1;
    }
    if (args.data) {
      const data = await runDataProtectionBench(log);
      console.log(data.markdown);
      const dataFile = resolve(args.out, `bench-data-${report.date.replace(/[:.]/g, "-")}.json`);
      writeFileSync(dataFile, JSON.stringify(data.results, null, 2) + "\n");
      log(`wrote ${dataFile}`);
      if (!data.results.hydrate.identical || !data.results.prestage.identical) process.exitCode = 1;
    }
  } finally {
    if (args.keep) log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

await main();
