/**
 * A real OpenSSH server for tests: its own host key, a user key allowed to log in as the
 * current user, and a known_hosts file that trusts only that host key; on a free loopback port,
 * in a temp directory removed by `stop`. `startSshd` returns a reason instead when sshd is not
 * installed (scripts/setup.sh installs openssh-server).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { freePort, waitFor } from "./free-port.js";

export const sshdPath = "/usr/sbin/sshd";

export interface Sshd {
  readonly host: "127.0.0.1";
  readonly port: number;
  readonly user: string;
  readonly identityFile: string;
  readonly knownHostsFile: string;
  readonly dir: string;
  stop(): Promise<void>;
}

/** Why sshd cannot run here, or undefined when it can. */
export function sshdMissing(): string | undefined {
  if (!existsSync(sshdPath)) return `${sshdPath} is not installed (apt-get install openssh-server)`;
  return undefined;
}

function keygen(file: string): void {
  const out = spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", file]);
  if (out.status !== 0) throw new Error(`ssh-keygen failed: ${String(out.stderr)}`);
}

export async function startSshd(): Promise<Sshd> {
  const dir = mkdtempSync(join(tmpdir(), "lifeboat-sshd-"));
  const user = userInfo().username;
  keygen(join(dir, "host_key"));
  keygen(join(dir, "id"));
  writeFileSync(join(dir, "authorized_keys"), readFileSync(join(dir, "id.pub")));
  const port = await freePort();
  const [type, key] = readFileSync(join(dir, "host_key.pub"), "utf8").split(" ");
  writeFileSync(join(dir, "known_hosts"), `[127.0.0.1]:${port} ${type} ${key}\n`);
  writeFileSync(
    join(dir, "sshd_config"),
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${join(dir, "host_key")}`,
      `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
      "PubkeyAuthentication yes",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "PermitRootLogin prohibit-password",
      "StrictModes no", // the temp directory's modes are the test's business
      "UsePAM no",
      "PidFile none",
      `AllowUsers ${user}`,
      "",
    ].join("\n"),
  );
  // sshd refuses to start without its privilege-separation directory.
  if (process.getuid?.() === 0) mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  const child: ChildProcess = spawn(sshdPath, ["-D", "-e", "-f", join(dir, "sshd_config")], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  child.stderr?.setEncoding("utf8").on("data", (d: string) => (log = (log + d).slice(-4000)));
  const exited = () =>
    child.exitCode !== null || child.signalCode !== null ? `sshd: ${log}` : undefined;
  await waitFor(
    "sshd",
    () =>
      new Promise<boolean>((resolve) => {
        const socket = connect({ host: "127.0.0.1", port }, () => {
          socket.destroy();
          resolve(true);
        });
        socket.on("error", () => resolve(false));
      }),
    15_000,
    exited,
  );
  return {
    host: "127.0.0.1",
    port,
    user,
    identityFile: join(dir, "id"),
    knownHostsFile: join(dir, "known_hosts"),
    dir,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
