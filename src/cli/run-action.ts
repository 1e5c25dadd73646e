import type { Command } from "commander";
import { printError, type CliIo } from "./output.js";

/** A command module: adds one command (or one group's verb) to the program. */
export type RegisterCommand = (program: Command, io: CliIo) => void;

/** Runs a command's body; on failure prints the error and stores the exit code. */
export async function runAction(
  io: CliIo,
  json: boolean | undefined,
  body: () => Promise<void> | void,
): Promise<void> {
  try {
    await body();
  } catch (error) {
    process.exitCode = printError(io, json, error);
  }
}
