import { Command, CommanderError } from "commander";
import { LifeboatError } from "../model/errors.js";
import { registerConfigValidate } from "./commands/config-validate.js";
import { registerBackup } from "./commands/backup.js";
import { registerRepoCheck } from "./commands/repo-check.js";
import { registerRepoCopy } from "./commands/repo-copy.js";
import { registerRepoForget } from "./commands/repo-forget.js";
import { registerRepoInit } from "./commands/repo-init.js";
import { registerRepoKey } from "./commands/repo-key.js";
import { registerRepoPrune } from "./commands/repo-prune.js";
import { registerRepoRepair } from "./commands/repo-repair.js";
import { registerRepoSnapshots } from "./commands/repo-snapshots.js";
import { registerRepoStats } from "./commands/repo-stats.js";
import { registerRestore } from "./commands/restore.js";
import { registerInit } from "./commands/init.js";
import { registerCapture } from "./commands/capture.js";
import { registerDiff } from "./commands/diff.js";
import { registerHistory } from "./commands/history.js";
import { registerInventory } from "./commands/inventory.js";
import { registerCancel } from "./commands/cancel.js";
import { registerPlan } from "./commands/plan.js";
import { registerRecover } from "./commands/recover.js";
import { registerResume } from "./commands/resume.js";
import { registerRun } from "./commands/run.js";
import { registerRuns } from "./commands/runs.js";
import { registerTeardown } from "./commands/teardown.js";
import { printError, type CliIo } from "./output.js";
import type { RegisterCommand } from "./run-action.js";
import { lifeboatVersion } from "./version.js";

/** The explicit list of commands; one file per command under ./commands. */
const commands: readonly RegisterCommand[] = [
  registerInit,
  registerConfigValidate,
  registerRepoInit,
  registerRepoSnapshots,
  registerRepoCheck,
  registerRepoForget,
  registerRepoPrune,
  registerRepoStats,
  registerRepoKey,
  registerRepoCopy,
  registerRepoRepair,
  registerBackup,
  registerRestore,
  registerCapture,
  registerInventory,
  registerHistory,
  registerDiff,
  registerPlan,
  registerRecover,
  registerRuns,
  registerRun,
  registerResume,
  registerCancel,
  registerTeardown,
];

/**
 * Builds the `lifeboat` program. Each action reports failures through {@link runAction}, so
 * every failure prints a stable code and sets the documented exit code.
 */
export function buildProgram(io: CliIo): Command {
  const program = new Command("lifeboat")
    .description(
      "Disaster recovery for cloud environments: capture, protect, watch, recover, fail back.",
    )
    .version(lifeboatVersion, "-V, --version")
    // Program options only before the command: `inventory <env> --version N` is the command's.
    .enablePositionalOptions()
    // Errors are printed once, by printError, with a code and a remedy.
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: () => {} })
    .exitOverride();
  for (const register of commands) register(program, io);
  return program;
}

/** Parses argv and runs the command; resolves to the process exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  process.exitCode = 0;
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      if (error.exitCode === 0) return 0;
      const wantsJson = argv.includes("--json");
      return printError(
        io,
        wantsJson,
        new LifeboatError("LB_USAGE", error.message.replace(/^error: /, "")),
      );
    }
    return printError(io, argv.includes("--json"), error);
  }
  return Number(process.exitCode ?? 0);
}
