/**
 * The call point the `aws-ssm-run` action uses to run a shell script on cloud machines through
 * the provider's agent (AWS Systems Manager Run Command). Composition wires it to the AWS
 * adapter (src/providers/aws/aws-ssm-commands.ts); the plug-in never sees an SDK.
 */

/** Which provider connection a call goes through. */
export interface ConnectionRef {
  /** A key of `providers` in the config; absent: the environment's `source`. */
  readonly connection: string | undefined;
  readonly environment: string;
  readonly signal: AbortSignal;
}

/** One machine's part of a command, in the provider's words. */
export interface CommandInvocation {
  readonly instanceId: string;
  /** SSM's status: `Pending`, `InProgress`, `Delayed`, `Success`, `Failed`, `TimedOut`, ... */
  readonly status: string;
  /** The script's exit status, when it ran (-1 or null when it never did). */
  readonly exitCode: number | null;
  /** The ends of its output (SSM keeps the first 24 000 characters). */
  readonly stdout: string;
  readonly stderr: string;
}

export interface RemoteShellPort {
  /**
   * The id of a command sent earlier to `instanceId` with exactly this `comment`, or null; how a
   * resumed step adopts the command its first attempt sent instead of sending a second one.
   */
  find(ref: ConnectionRef & { instanceId: string; comment: string }): Promise<string | null>;
  /** Sends `commands` (one shell line each) to every instance; returns the command id. */
  send(
    ref: ConnectionRef & {
      instanceIds: readonly string[];
      commands: readonly string[];
      comment: string;
      workingDirectory: string | undefined;
      executionTimeoutSeconds: number;
    },
  ): Promise<string>;
  /** One instance's invocation, or null while the provider has not registered it yet. */
  invocation(
    ref: ConnectionRef & { commandId: string; instanceId: string },
  ): Promise<CommandInvocation | null>;
  /** Asks the provider to stop the command (best effort; used on timeout and cancel). */
  cancel(ref: ConnectionRef & { commandId: string }): Promise<void>;
}
