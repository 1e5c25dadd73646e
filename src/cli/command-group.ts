import type { Command } from "commander";
import { LifeboatError } from "../model/errors.js";

/**
 * Finds or creates a command group (`config`, `repo`, `pg`, …) so each verb can live in its own
 * file. A bare group name is a usage error naming the verbs, not commander's help error.
 * No --json on the group itself: commander would take it from the subcommands.
 */
export function commandGroup(program: Command, name: string, description: string): Command {
  const existing = program.commands.find((command) => command.name() === name);
  if (existing) return existing;
  const group = program.command(name).description(description);
  group.action(() => {
    const verbs = group.commands.map((command) => command.name()).join(", ");
    throw new LifeboatError(
      "LB_USAGE",
      `missing subcommand for \`lifeboat ${name}\` (one of: ${verbs})`,
    );
  });
  return group;
}
