/**
 * The Lifeboat side of the benchmark as its own process, so the harness measures it exactly
 * like restic and borg (wall time, CPU, peak RSS from GNU time):
 *   node lifeboat-bench-cli.js init <repo>
 *   node lifeboat-bench-cli.js backup <repo> <image> <size> [changed-ranges.json]
 *   node lifeboat-bench-cli.js restore <repo> <file>
 */
import { readFileSync } from "node:fs";
import type { ByteRange } from "./image-generator.js";
import { backupImage, initRepo, restoreLatest } from "./lifeboat-image.js";

const [command, repo, ...rest] = process.argv.slice(2);
if (repo === undefined) throw new Error("usage: lifeboat-bench-cli <init|backup|restore> <repo> …");
if (command === "init") await initRepo(repo);
else if (command === "backup") {
  const [image, size, changedFile] = rest;
  if (image === undefined || size === undefined) throw new Error("backup needs <image> <size>");
  const changed =
    changedFile === undefined
      ? undefined
      : (JSON.parse(readFileSync(changedFile, "utf8")) as ByteRange[]);
  await backupImage(repo, image, Number(size), changed);
} else if (command === "restore") {
  const [file] = rest;
  if (file === undefined) throw new Error("restore needs <file>");
  await restoreLatest(repo, file);
} else throw new Error(`unknown command ${command}`);
