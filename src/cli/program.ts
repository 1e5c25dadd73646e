import { Command, CommanderError } from "commander";
import { LifeboatError } from "../model/errors.js";
import { printError, type CliIo } from "./output.js";
import type { RegisterCommand } from "./run-action.js";
import { lifeboatVersion } from "./version.js";

/**
 * The explicit list of commands, one file per command under ./commands, by the top-level word
 * that invokes them. Modules load on demand: `lifeboat backup` never loads the AWS SDK, which
 * alone costs ~0.4 s of start-up; help and unknown words load them all.
 */
const commands: readonly (readonly [
  word: string,
  load: () => Promise<RegisterCommand>,
  /** A group verb that loads alone: PostgreSQL runs `pg archive-wal` once per WAL segment. */
  verb?: string,
])[] = [
  ["init", async () => (await import("./commands/init.js")).registerInit],
  ["config", async () => (await import("./commands/config-validate.js")).registerConfigValidate],
  ["repo", async () => (await import("./commands/repo-init.js")).registerRepoInit],
  ["repo", async () => (await import("./commands/repo-snapshots.js")).registerRepoSnapshots],
  ["repo", async () => (await import("./commands/repo-check.js")).registerRepoCheck],
  ["repo", async () => (await import("./commands/repo-forget.js")).registerRepoForget],
  ["repo", async () => (await import("./commands/repo-prune.js")).registerRepoPrune],
  ["repo", async () => (await import("./commands/repo-stats.js")).registerRepoStats],
  ["repo", async () => (await import("./commands/repo-key.js")).registerRepoKey],
  ["repo", async () => (await import("./commands/repo-copy.js")).registerRepoCopy],
  ["repo", async () => (await import("./commands/repo-repair.js")).registerRepoRepair],
  ["backup", async () => (await import("./commands/backup.js")).registerBackup],
  ["restore", async () => (await import("./commands/restore.js")).registerRestore],
  ["capture", async () => (await import("./commands/capture.js")).registerCapture],
  ["inventory", async () => (await import("./commands/inventory.js")).registerInventory],
  ["history", async () => (await import("./commands/history.js")).registerHistory],
  ["diff", async () => (await import("./commands/diff.js")).registerDiff],
  ["plan", async () => (await import("./commands/plan.js")).registerPlan],
  ["recover", async () => (await import("./commands/recover.js")).registerRecover],
  ["runs", async () => (await import("./commands/runs.js")).registerRuns],
  ["run", async () => (await import("./commands/run.js")).registerRun],
  ["resume", async () => (await import("./commands/resume.js")).registerResume],
  ["cancel", async () => (await import("./commands/cancel.js")).registerCancel],
  ["teardown", async () => (await import("./commands/teardown.js")).registerTeardown],
  ["approve", async () => (await import("./commands/approve.js")).registerApprove],
  ["watch", async () => (await import("./commands/watch.js")).registerWatch],
  [
    "pg",
    async () => (await import("./commands/pg-archive-wal.js")).registerPgArchiveWal,
    "archive-wal",
  ],
  [
    "pg",
    async () => (await import("./commands/pg-basebackup.js")).registerPgBaseBackup,
    "basebackup",
  ],
  ["pg", async () => (await import("./commands/pg-restore.js")).registerPgRestore, "restore"],
  ["pg", async () => (await import("./commands/pg-status.js")).registerPgStatus, "status"],
  ["serve", async () => (await import("./commands/serve.js")).registerServe],
  ["token", async () => (await import("./commands/token-create.js")).registerTokenCreate],
  ["token", async () => (await import("./commands/token-list.js")).registerTokenList],
  ["token", async () => (await import("./commands/token-revoke.js")).registerTokenRevoke],
  ["status", async () => (await import("./commands/status.js")).registerStatus],
  ["events", async () => (await import("./commands/events.js")).registerEvents],
  ["workflow", async () => (await import("./commands/workflow.js")).registerWorkflow],
  ["demo", async () => (await import("./commands/demo.js")).registerDemo],
  ["points", async () => (await import("./commands/points.js")).registerPoints],
  ["agent", async () => (await import("./commands/agent.js")).registerAgent],
  ["failback", async () => (await import("./commands/failback.js")).registerFailback],
];

/**
 * Builds the `lifeboat` program. Each action reports failures through {@link runAction}, so
 * every failure prints a stable code and sets the documented exit code.
 */
export async function buildProgram(io: CliIo, argv: readonly string[] = []): Promise<Command> {
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
  const word = argv[0];
  const group = commands.filter(([name]) => name === word);
  const verb = group.filter(([, , name]) => name !== undefined && name === argv[1]);
  const wanted =
    word === "-V" || word === "--version"
      ? []
      : verb.length > 0
        ? verb
        : group.length > 0
          ? group
          : commands;
  for (const register of await Promise.all(wanted.map(([, load]) => load()))) {
    register(program, io);
  }
  return program;
}

/** Parses argv and runs the command; resolves to the process exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = await buildProgram(io, argv);
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
