/**
 * The error catalogue: every expected failure Lifeboat reports has a stable code here, a
 * category (which decides the exit code and HTTP status), whether retrying can help, and a
 * one-line remedy. Tests assert on codes, never on messages. `docs/errors.md` lists them all.
 *
 * Broken invariants are not in the catalogue: they throw {@link BugError}.
 */

/** What kind of failure an error is; decides the exit code and the HTTP status. */
export type ErrorCategory =
  | "failed" // the operation was attempted and failed
  | "usage" // bad flags, bad configuration, bad request
  | "not-found" // the named thing does not exist
  | "integrity" // corrupt or tampered data, wrong key
  | "conflict" // locked, already exists, or concurrently changed
  | "unauthenticated" // no credentials, or ones that are not valid (API: 401)
  | "forbidden"; // valid credentials whose role does not allow the action (API: 403)

/** Process exit codes (DESIGN.md, "Contracts"). */
export const exitCodes = {
  ok: 0,
  failed: 1,
  usage: 2,
  "not-found": 3,
  integrity: 4,
  conflict: 5,
  unauthenticated: 2,
  forbidden: 2,
} as const satisfies Record<ErrorCategory | "ok", number>;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/** HTTP status per category, used by the API server. */
export const httpStatuses = {
  failed: 500,
  usage: 400,
  "not-found": 404,
  integrity: 422,
  conflict: 409,
  unauthenticated: 401,
  forbidden: 403,
} as const satisfies Record<ErrorCategory, number>;

interface CatalogueEntry {
  readonly category: ErrorCategory;
  readonly retryable: boolean;
  readonly remedy: string;
}

const entry = (category: ErrorCategory, remedy: string, retryable = false): CatalogueEntry => ({
  category,
  retryable,
  remedy,
});

/** Every stable error code, with its category, retryability and remedy. */
export const errorCatalogue = {
  // General
  LB_USAGE: entry("usage", "Check the command's arguments with `lifeboat <command> --help`."),
  LB_INTERNAL: entry(
    "failed",
    "This is a bug in Lifeboat; please report it with the command and its output.",
  ),
  LB_CANCELLED: entry("failed", "The operation was cancelled; run it again when ready."),
  LB_TIMEOUT: entry("failed", "The operation timed out; check the service and retry.", true),
  LB_INVALID_INPUT: entry("usage", "Correct the value named in the message and try again."),

  // Configuration
  LB_CONFIG_NOT_FOUND: entry(
    "usage",
    "Pass --config <file>, set LIFEBOAT_CONFIG, or create one with `lifeboat init`.",
  ),
  LB_CONFIG_INVALID: entry("usage", "Fix the keys named above in the config file."),
  LB_CONFIG_EXISTS: entry(
    "conflict",
    "Choose another path, or pass --force to overwrite the existing file.",
  ),
  LB_SECRET_MISSING: entry(
    "usage",
    "Set the environment variable or create the file that the config names for this secret.",
  ),

  // State store
  LB_STORE_UNREACHABLE: entry(
    "failed",
    "Check the `state` URL in the config and that the database server is running.",
    true,
  ),
  LB_STORE_SCHEMA_TOO_NEW: entry(
    "usage",
    "The state store was written by a newer Lifeboat; upgrade Lifeboat to use it.",
  ),
  LB_STORE_MIGRATION_FAILED: entry(
    "failed",
    "Restore the state store from a backup or fix the database error shown in the cause.",
  ),
  LB_STORE_CONFLICT: entry(
    "conflict",
    "Another process changed the same record; run the command again.",
    true,
  ),
  LB_STORE_CORRUPT: entry(
    "integrity",
    "A state-store row does not match this Lifeboat's schema; restore the store from a backup.",
  ),

  // Named things that do not exist
  LB_ENV_NOT_FOUND: entry("not-found", "List environments with `lifeboat config validate`."),
  LB_RUN_NOT_FOUND: entry("not-found", "List runs with `lifeboat runs`."),
  LB_SNAPSHOT_NOT_FOUND: entry("not-found", "List snapshots with `lifeboat repo snapshots`."),
  LB_VERSION_NOT_FOUND: entry(
    "not-found",
    "List inventory versions with `lifeboat history <env>`.",
  ),
  LB_STEP_NOT_FOUND: entry("not-found", "List the run's steps with `lifeboat run <id>`."),
  LB_FAILBACK_NOTHING: entry(
    "not-found",
    "Fail back only after a failover succeeded (`lifeboat runs --env <env>`); a torn-down copy needs no failback.",
  ),

  // Recovery runs
  LB_RUN_LOCKED: entry(
    "conflict",
    "Another Lifeboat process is executing this run; wait for it, or resume after its lease expires.",
    true,
  ),
  LB_RUN_ACTIVE: entry(
    "conflict",
    "The run is still in progress; wait for it to finish or cancel it with `lifeboat cancel <id>`.",
  ),

  LB_ENDPOINT_UNHEALTHY: entry(
    "failed",
    "The recovered endpoint did not answer healthy in time, so traffic was not moved; check the target, then `lifeboat resume <id>`.",
  ),

  // Approvals (docs/approvals.md)
  LB_APPROVAL_ALREADY_DECIDED: entry(
    "conflict",
    "The step was decided already (the first decision wins); see it with `lifeboat run <id>`.",
  ),
  LB_APPROVAL_REJECTED: entry(
    "failed",
    "An approver rejected the step, so nothing after it ran; start a new run when ready.",
  ),
  LB_APPROVAL_TIMEOUT: entry(
    "failed",
    "Nobody decided within the approval timeout, so nothing after it ran; `lifeboat resume <id>` asks again.",
  ),
  LB_APPROVAL_NOT_WAITING: entry(
    "not-found",
    "No step of the run is waiting for approval; see the run's steps with `lifeboat run <id>`.",
  ),
  LB_APPROVAL_AMBIGUOUS: entry(
    "usage",
    "Several steps of the run wait for approval; name one with `--step <id>`.",
  ),

  // Plug-ins and workflows (docs/plugins.md, docs/workflow-semantics.md)
  LB_PLUGIN_DUPLICATE: entry(
    "usage",
    "Two plug-ins have the same name; rename one or remove it from `plugins` in the config.",
  ),
  LB_PLUGIN_LOAD_FAILED: entry(
    "usage",
    "Check the module name or file path under `plugins` in the config, and that it exports a plug-in.",
  ),
  LB_PLUGIN_INCOMPATIBLE: entry(
    "usage",
    "The plug-in was written for another plug-in API version; upgrade the plug-in or Lifeboat.",
  ),
  LB_PLUGIN_INVALID: entry(
    "usage",
    "The module does not export a valid plug-in (name, apiVersion, action, configSchema, appliesTo, execute).",
  ),
  LB_WORKFLOW_NOT_FOUND: entry("not-found", "List workflows with `lifeboat workflow validate`."),
  LB_WORKFLOW_INVALID: entry(
    "usage",
    "Fix the steps named in the message (action, target, `with`); nothing was run.",
  ),
  LB_WORKFLOW_STEP_TIMEOUT: entry(
    "failed",
    "The step did not finish within its `timeout`; raise it or fix what the step waits for.",
  ),
  LB_ACTION_FAILED: entry(
    "failed",
    "A workflow action failed; the message and details name the command, URL or database.",
  ),
  LB_WORKFLOW_INTERRUPTED: entry(
    "failed",
    "The workflow's process died; its open pairs were undone. Run the workflow again.",
  ),
  LB_SSH_FAILED: entry(
    "failed",
    "ssh could not run the command (connection, authentication or host key); check the host, `identityFile` and `knownHostsFile` in the message, e.g. with `ssh -v`.",
    true,
  ),
  LB_REMOTE_COMMAND_FAILED: entry(
    "failed",
    "The command ran on the machine and failed; the details hold its exit status (or SSM status) and the end of its output.",
  ),
  LB_FSFREEZE_FAILED: entry(
    "failed",
    "fsfreeze failed on the mount point named in the message; check it is a mounted Linux file system that supports freezing and that Lifeboat may freeze it (root).",
  ),
  LB_WAIT_HEALTHY_TIMEOUT: entry(
    "failed",
    "The probe did not answer healthy within `timeout`; the details hold its last status. Fix the service or raise `timeout`.",
  ),

  // Repository
  LB_REPO_NOT_FOUND: entry(
    "not-found",
    "Check the repository URL, or create one with `lifeboat repo init`.",
  ),
  LB_REPO_EXISTS: entry("conflict", "Use the existing repository or choose another URL."),
  LB_REPO_WRONG_PASSWORD: entry(
    "integrity",
    "Use the repository's password (LIFEBOAT_PASSWORD or --password-file); nothing was written.",
  ),
  LB_REPO_PACK_CORRUPT: entry(
    "integrity",
    "Run `lifeboat repo check --read-data`; restore unaffected snapshots, re-run the backup.",
  ),
  LB_REPO_INDEX_CORRUPT: entry("integrity", "Run `lifeboat repo repair index`."),
  LB_REPO_OBJECT_MISSING: entry(
    "integrity",
    "Run `lifeboat repo check` to list affected snapshots; re-run their backups.",
  ),
  LB_REPO_OBJECT_CORRUPT: entry(
    "integrity",
    "A key file, config, snapshot or lock is damaged; run `lifeboat repo check` to name it.",
  ),
  LB_REPO_KEY_NOT_FOUND: entry("not-found", "List key slots with `lifeboat repo key list`."),
  LB_REPO_FORMAT_UNSUPPORTED: entry(
    "usage",
    "The repository was written by a newer Lifeboat; upgrade Lifeboat to read it.",
  ),
  LB_REPO_LOCKED: entry(
    "conflict",
    "Wait for the other operation to finish; a lock not refreshed goes stale by itself.",
    true,
  ),
  LB_REPO_BACKEND_UNAVAILABLE: entry(
    "failed",
    "Check the repository's storage (disk, bucket, endpoint, credentials) and retry.",
    true,
  ),

  // Recovery planning
  LB_PLAN_PREFLIGHT_FAILED: entry(
    "usage",
    "Fix every problem listed (mapping, selection or target); nothing was created.",
  ),
  LB_PLAN_NO_TARGET: entry(
    "usage",
    "No target in recovery.targets answered and offers the needed instance types; fix the reasons listed or add a target.",
  ),
  LB_PLAN_MAPPING_INVALID: entry(
    "usage",
    "Fix the recovery mapping keys named in the message (config or command line).",
  ),

  // Cloud providers
  LB_PROVIDER_AUTH: entry(
    "usage",
    "Check the provider connection's credentials and permissions in the config.",
  ),
  LB_PROVIDER_UNREACHABLE: entry(
    "failed",
    "Check the provider endpoint and the network; Lifeboat retries this by itself.",
    true,
  ),
  LB_PROVIDER_THROTTLED: entry(
    "failed",
    "The provider is throttling requests; Lifeboat backs off and retries.",
    true,
  ),
  LB_PROVIDER_NOT_FOUND: entry("not-found", "The cloud resource no longer exists; capture again."),
  LB_PROVIDER_UNSUPPORTED: entry(
    "failed",
    "The provider (or emulator) does not implement this operation; see docs/providers.md.",
  ),
  LB_PROVIDER_REQUEST_FAILED: entry(
    "failed",
    "The provider rejected the request; the cause names its error code.",
  ),

  // PostgreSQL protection (docs/pg-protection.md)
  LB_PG_NOT_CONFIGURED: entry(
    "not-found",
    "Add a `postgres:` entry under the environment's `protect` list, or name it with --database.",
  ),
  LB_PG_BINARIES_NOT_FOUND: entry(
    "usage",
    "Install the PostgreSQL server package, or set `bin:` (or LIFEBOAT_PG_BIN) to its bin folder.",
  ),
  LB_PG_BASEBACKUP_FAILED: entry(
    "failed",
    "Check the connection URL, that the role has REPLICATION and pg_hba.conf allows it; retry.",
    true,
  ),
  LB_PG_WAL_ARCHIVE_FAILED: entry(
    "failed",
    "PostgreSQL retries the segment by itself; check the repository and the message's cause.",
    true,
  ),
  LB_PG_NO_BASE_BACKUP: entry(
    "not-found",
    "Take a base backup with `lifeboat pg basebackup` before that time, or pick a later --at.",
  ),
  LB_PG_TARGET_NOT_COVERED: entry(
    "not-found",
    "No archived WAL reaches that time yet; pick an earlier --at (see `lifeboat pg status`).",
  ),
  LB_PG_WAL_MISSING: entry(
    "integrity",
    "A WAL segment between the base backup and the target is not in the repository; take a new base backup.",
  ),
  LB_PG_WAL_CORRUPT: entry(
    "integrity",
    "A restored WAL segment does not match the checksum recorded when it was archived; run `lifeboat repo check --read-data`.",
  ),
  LB_PG_TARGET_NOT_EMPTY: entry(
    "conflict",
    "Give --target an empty or new directory; Lifeboat never overwrites a data directory.",
  ),
  LB_HYDRATE_MISMATCH: entry(
    "integrity",
    "The target snapshot read back differs from the recovery point; resume the run to hydrate again.",
  ),
  LB_PG_START_FAILED: entry(
    "failed",
    "Read the server log named in the message (lifeboat_restore.log in the data directory).",
  ),

  // HTTP API and access tokens (docs/api.md)
  LB_API_UNAUTHENTICATED: entry(
    "unauthenticated",
    "Send `Authorization: Bearer <token>` with a live token from `lifeboat token create`.",
  ),
  LB_API_FORBIDDEN: entry(
    "forbidden",
    "Use a token whose role allows this action (viewer < operator < approver < admin).",
  ),
  LB_API_INVALID_REQUEST: entry(
    "usage",
    "Fix the request fields named in the message; /openapi.json describes every route.",
  ),
  LB_API_ROUTE_NOT_FOUND: entry("not-found", "Check the method and path against docs/api.md."),
  LB_TOKEN_NOT_FOUND: entry("not-found", "List tokens with `lifeboat token list`."),

  // The demo (docs/demo.md)
  LB_MOTO_NOT_FOUND: entry(
    "usage",
    "Run `bash scripts/setup.sh` (it installs moto_server into .venv-moto), put moto_server on PATH, set LIFEBOAT_MOTO_SERVER, or pass --endpoint.",
  ),
  LB_MOTO_START_FAILED: entry(
    "failed",
    "moto_server did not answer; run it by hand (`moto_server -p 5000`) to see why, then retry.",
    true,
  ),
  LB_DEMO_DIR_NOT_EMPTY: entry(
    "conflict",
    "Pass an empty or new folder to --dir, or leave --dir out to use a temporary one.",
  ),
  LB_DEMO_STAGE_FAILED: entry(
    "failed",
    "A demo stage failed; the message names it and the cause. Rerun with --keep to inspect the folder.",
  ),

  // Data protection (docs/protect.md)
  LB_POINT_NOT_FOUND: entry(
    "not-found",
    "List recovery points with `lifeboat points <env>`; pick a time at or after the oldest one.",
  ),
  LB_JOURNAL_CORRUPT: entry(
    "integrity",
    "A write-journal record failed its checksum; the agent rescans the volume for the next point.",
  ),
  LB_VOLUME_UNAVAILABLE: entry(
    "failed",
    "Check the device or image file the agent binds to this volume (`agent.volumes` in the config).",
    true,
  ),
} as const satisfies Record<`LB_${string}`, CatalogueEntry>;

export type ErrorCode = keyof typeof errorCatalogue;

export interface LifeboatErrorOptions {
  /** The underlying error, kept for logs and `--verbose`. */
  readonly cause?: unknown;
  /** Structured fields a program can read (ids, paths, counts); never secrets. */
  readonly details?: Readonly<Record<string, unknown>>;
  /** Overrides the catalogue remedy with a more specific one. */
  readonly remedy?: string;
  /** Overrides the catalogue's retryability for this instance. */
  readonly retryable?: boolean;
}

/** An expected failure with a stable code. Everything Lifeboat reports to a user is one. */
export class LifeboatError extends Error {
  readonly code: ErrorCode;
  readonly category: ErrorCategory;
  readonly retryable: boolean;
  readonly remedy: string;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: LifeboatErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const spec: CatalogueEntry = errorCatalogue[code];
    this.name = "LifeboatError";
    this.code = code;
    this.category = spec.category;
    this.retryable = options.retryable ?? spec.retryable;
    this.remedy = options.remedy ?? spec.remedy;
    this.details = Object.freeze({ ...options.details });
  }
}

/** A broken invariant: a bug in Lifeboat, never an expected failure. */
export class BugError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "BugError";
  }
}

/** Throws a {@link BugError} when `condition` is false. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new BugError(message);
}

export function isLifeboatError(error: unknown, code?: ErrorCode): error is LifeboatError {
  return error instanceof LifeboatError && (code === undefined || error.code === code);
}

/** Wraps anything thrown into a LifeboatError: unknown errors become LB_INTERNAL. */
export function asLifeboatError(error: unknown): LifeboatError {
  if (error instanceof LifeboatError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new LifeboatError("LB_INTERNAL", message, { cause: error });
}

export function exitCodeFor(error: unknown): ExitCode {
  return exitCodes[asLifeboatError(error).category];
}

export function httpStatusFor(error: unknown): number {
  return httpStatuses[asLifeboatError(error).category];
}

/** Only retryable errors are retried by engines (STYLE.md: errors). */
export function isRetryable(error: unknown): boolean {
  return error instanceof LifeboatError && error.retryable;
}

/** The stable JSON shape of an error (`docs/cli-json.md`, API error bodies). */
export interface ErrorJson {
  readonly code: ErrorCode;
  readonly message: string;
  readonly remedy: string;
  readonly retryable: boolean;
  readonly details: Readonly<Record<string, unknown>>;
}

export function toErrorJson(error: unknown): ErrorJson {
  const e = asLifeboatError(error);
  return {
    code: e.code,
    message: e.message,
    remedy: e.remedy,
    retryable: e.retryable,
    details: e.details,
  };
}
