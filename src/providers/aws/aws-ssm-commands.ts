/**
 * SSM Run Command behind the {@link RemoteShellPort} (`aws-ssm-run`): SendCommand with the
 * `AWS-RunShellScript` document, GetCommandInvocation per instance, ListCommands to adopt a
 * command an earlier attempt sent, CancelCommand to stop one. SDK errors leave as Lifeboat
 * errors (map-aws-error.ts).
 */
import {
  CancelCommandCommand,
  GetCommandInvocationCommand,
  ListCommandsCommand,
  SendCommandCommand,
  SSMClient,
} from "@aws-sdk/client-ssm";
import type { ConnectionRef, RemoteShellPort } from "../../plugins/remote-shell-port.js";
import type { AwsConnectionOptions } from "./aws-connection.js";
import { mapAwsError } from "./map-aws-error.js";

/** The connection options for a call: `connection` or the environment's default. */
export type ResolveConnection = (
  connection: string | undefined,
  environment: string,
) => { readonly name: string; readonly options: AwsConnectionOptions };

export interface AwsRemoteShell extends RemoteShellPort {
  /** Releases the SDK clients opened so far. */
  destroy(): void;
}

export function awsRemoteShell(resolve: ResolveConnection): AwsRemoteShell {
  const clients = new Map<string, SSMClient>();
  const clientFor = (ref: ConnectionRef): SSMClient => {
    const { name, options } = resolve(ref.connection, ref.environment);
    let client = clients.get(name);
    if (!client) {
      client = new SSMClient({
        region: options.region,
        maxAttempts: options.maxAttempts ?? 5,
        ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
        ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
        ...(options.profile === undefined ? {} : { profile: options.profile }),
      });
      clients.set(name, client);
    }
    return client;
  };
  const call = async <T>(operation: string, job: () => Promise<T>): Promise<T> => {
    try {
      return await job();
    } catch (error) {
      throw mapAwsError(error, `ssm.${operation}`);
    }
  };

  return {
    async find(ref) {
      const client = clientFor(ref);
      return call("ListCommands", async () => {
        let token: string | undefined;
        do {
          const page = await client.send(
            new ListCommandsCommand({ InstanceId: ref.instanceId, NextToken: token }),
            { abortSignal: ref.signal },
          );
          const match = page.Commands?.find((c) => c.Comment === ref.comment && c.CommandId);
          if (match?.CommandId) return match.CommandId;
          token = page.NextToken;
        } while (token);
        return null;
      });
    },
    async send(ref) {
      const client = clientFor(ref);
      return call("SendCommand", async () => {
        const out = await client.send(
          new SendCommandCommand({
            DocumentName: "AWS-RunShellScript",
            InstanceIds: [...ref.instanceIds],
            Comment: ref.comment,
            Parameters: {
              commands: [...ref.commands],
              executionTimeout: [String(ref.executionTimeoutSeconds)],
              ...(ref.workingDirectory === undefined
                ? {}
                : { workingDirectory: [ref.workingDirectory] }),
            },
          }),
          { abortSignal: ref.signal },
        );
        const id = out.Command?.CommandId;
        if (!id) throw new Error("SendCommand answered without a command id");
        return id;
      });
    },
    async invocation(ref) {
      const client = clientFor(ref);
      try {
        const out = await client.send(
          new GetCommandInvocationCommand({ CommandId: ref.commandId, InstanceId: ref.instanceId }),
          { abortSignal: ref.signal },
        );
        return {
          instanceId: ref.instanceId,
          status: out.Status ?? "Pending",
          exitCode: out.ResponseCode ?? null,
          stdout: out.StandardOutputContent ?? "",
          stderr: out.StandardErrorContent ?? "",
        };
      } catch (error) {
        // Right after SendCommand the invocation may not exist yet: keep polling.
        if ((error as { name?: unknown }).name === "InvocationDoesNotExist") return null;
        throw mapAwsError(error, "ssm.GetCommandInvocation");
      }
    },
    async cancel(ref) {
      const client = clientFor(ref);
      await call("CancelCommand", () =>
        client.send(new CancelCommandCommand({ CommandId: ref.commandId }), {
          abortSignal: ref.signal,
        }),
      );
    },
    destroy() {
      for (const client of clients.values()) client.destroy();
      clients.clear();
    },
  };
}
