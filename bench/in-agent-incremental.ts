/**
 * `node dist/bench/in-agent-incremental.js <repo> <image> <ranges.json>`: the incremental as a
 * long-running protection agent runs it. The repository is opened first (key derivation, config)
 * and not timed, as an agent holds the unlocked key for its whole life; only the changed-range
 * backup itself (lock, index load, read, seal, upload, snapshot commit) is measured. Prints one
 * JSON {@link Measurement} on stdout.
 */
import { readFileSync } from "node:fs";
import { backup } from "../src/repository/archiver/backup.js";
import { withRepository } from "../src/cli/repository-options.js";
import type { Measurement } from "./measure.js";

const [repo, image, rangesFile] = process.argv.slice(2);
if (repo === undefined || image === undefined || rangesFile === undefined) {
  throw new Error("usage: in-agent-incremental <repo> <image> <ranges.json>");
}
const changedRanges = JSON.parse(readFileSync(rangesFile, "utf8")) as {
  offset: number;
  length: number;
}[];
const measurement = await withRepository({ repo }, async (repository) => {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await backup(repository, { source: image, kind: "image", changedRanges });
  const used = process.cpuUsage(cpu);
  const result: Measurement = {
    wallSeconds: (performance.now() - started) / 1000,
    // The main thread's CPU only is not enough: cpuUsage counts the whole process (workers too).
    cpuSeconds: (used.user + used.system) / 1e6,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  return result;
});
console.log(JSON.stringify(measurement));
