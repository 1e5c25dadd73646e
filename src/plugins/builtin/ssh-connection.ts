/**
 * Running a command on a machine with the system OpenSSH client, shared by `ssh`, `fsfreeze` and
 * `fsthaw`. Never interactive (BatchMode), host keys checked by default, and a remote command
 * that stops when the local client is killed (step timeout, cancel).
 */
import { z } from "zod";
import { parseDuration } from "../../model/duration.js";
import { LifeboatError } from "../../model/errors.js";
import { runCommand, tail, type CommandResult } from "./exec.js";

const duration = z.string().refine((text) => (parseDuration(text) ?? 0) > 0, "is not a duration");

/** How ssh authenticates and checks the host: the `with` keys every ssh-based action shares. */
export const sshOptionsShape = {
  /** The private key to log in with (ssh's own defaults when absent). */
  identityFile: z.string().min(1).optional(),
  /** The known_hosts file the host key is checked against (default: the user's own). */
  knownHostsFile: z.string().min(1).optional(),
  /**
   * `strict` (default): the host key must already be known. `accept-new`: a first-seen key is
   * recorded, a changed key is still refused. There is deliberately no "off".
   */
  hostKeyChecking: z.enum(["strict", "accept-new"]).default("strict"),
  /** How long to wait for the TCP connection and the SSH handshake. */
  connectTimeout: duration.default("10s"),
};

export type SshOptions = z.infer<z.ZodObject<typeof sshOptionsShape>>;

/** Where to log in. */
export interface SshAddress {
  readonly host: string;
  readonly user?: string | undefined;
  readonly port?: number | undefined;
}

/** A host name or address: never something ssh would read as an option. */
export const sshHost = z
  .string()
  .regex(/^[A-Za-z0-9_.:[\]%-]+$/, "is not a host name or address")
  .refine((host) => !host.startsWith("-"), "must not start with '-'");

/** Quotes one word for a POSIX shell. */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * Runs on the machine around the command (passed as `$1`): the command gets its own session
 * (so a kill reaches its children) and a watchdog reads stdin, which stays open as long as the
 * local ssh client lives. When the client is killed, sshd closes stdin, the watchdog's `cat`
 * ends and it kills the command's process group. OpenSSH does not signal a command without a
 * terminal itself, and a terminal (`-t`) would merge stdout and stderr.
 */
const remoteWrapper = [
  "exec 3<&0 </dev/null",
  'if command -v setsid >/dev/null 2>&1; then setsid sh -c "$1" 3<&- & else sh -c "$1" 3<&- & fi',
  "c=$!",
  '(cat <&3 >/dev/null 2>&1; kill -TERM -"$c" 2>/dev/null || kill -TERM "$c" 2>/dev/null) >/dev/null 2>&1 &',
  "w=$!",
  "exec 3<&-",
  'wait "$c"; s=$?',
  'kill "$w" 2>/dev/null',
  'exit "$s"',
].join("\n");

/** The ssh argv that runs `command` (one string for the remote `sh -c`) on `address`. */
export function sshArgv(address: SshAddress, options: SshOptions, command: string): string[] {
  const seconds = Math.max(1, Math.ceil((parseDuration(options.connectTimeout) ?? 10_000) / 1000));
  const argv = [
    "ssh",
    "-T",
    "-o",
    "BatchMode=yes",
    "-o",
    `ConnectTimeout=${seconds}`,
    "-o",
    `StrictHostKeyChecking=${options.hostKeyChecking === "strict" ? "yes" : "accept-new"}`,
    "-o",
    "LogLevel=ERROR",
    "-o",
    "ServerAliveInterval=15",
    "-o",
    "ServerAliveCountMax=3",
  ];
  if (options.knownHostsFile !== undefined) {
    argv.push("-o", `UserKnownHostsFile=${options.knownHostsFile}`);
  }
  if (options.identityFile !== undefined) {
    argv.push("-i", options.identityFile, "-o", "IdentitiesOnly=yes");
  }
  if (address.port !== undefined) argv.push("-p", String(address.port));
  if (address.user !== undefined) argv.push("-l", address.user);
  argv.push(
    "--",
    address.host,
    `sh -c ${shellQuote(remoteWrapper)} lifeboat ${shellQuote(command)}`,
  );
  return argv;
}

/** `user@host:port`, for messages and outputs. */
export function describeAddress(address: SshAddress): string {
  const port = address.port === undefined ? "" : `:${address.port}`;
  return `${address.user === undefined ? "" : `${address.user}@`}${address.host}${port}`;
}

/**
 * Runs `command` on `address` and returns its exit status and output tails. ssh's own failures
 * (status 255: unreachable, refused login, unknown or changed host key) are `LB_SSH_FAILED`; an
 * abort kills the client and so the remote command (`LB_CANCELLED`).
 */
export async function runOverSsh(
  address: SshAddress,
  options: SshOptions,
  command: string,
  signal: AbortSignal,
): Promise<CommandResult> {
  const argv = sshArgv(address, options, command);
  const result = await runCommand(argv, { signal, holdStdin: true, env: { LC_ALL: "C" } });
  if (result.exitCode === 255) {
    const machine = describeAddress(address);
    throw new LifeboatError(
      "LB_SSH_FAILED",
      `ssh to ${machine} failed: ${tail(result.stderr).trim() || "exit status 255"}`,
      { details: { machine, exitCode: 255, stderr: tail(result.stderr) } },
    );
  }
  return result;
}
