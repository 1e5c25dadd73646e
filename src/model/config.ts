/**
 * The schema of `lifeboat.yaml` (docs/config.md is its reference). Every object is strict, so an
 * unknown key is an error; messages say what to change. Checks that need more than one value
 * (a provider name used by an environment) live in src/config, after this schema.
 */
import { z } from "zod";
import { accessNameSchema } from "./access.js";
import { durationSchemaWith, parseDuration } from "./duration.js";
import { failoverPolicySchema, watchActions } from "./failover-policy.js";
import { workflowPoints, type WorkflowPoint } from "./plan/workflow-points.js";
import { pluginReferenceSchema, workflowSchema, workflowStepSchema } from "./workflow.js";
import { redactUrl, stateUrlProblem } from "./urls.js";

export { parseDuration, redactUrl };

/** A value as it appears in a message; URLs lose their passwords. */
const quote = (value: unknown): string =>
  typeof value === "string"
    ? JSON.stringify(redactUrl(value))
    : (JSON.stringify(value) ?? String(value));

/** A positive duration string such as `30s`, `5m` or `1h`. */
export const durationSchema = durationSchemaWith(quote);

function hasHost(text: string): boolean {
  try {
    return new URL(text).hostname !== "";
  } catch {
    return false;
  }
}

/** A URL whose scheme is one of `schemes`; `hint` shows the allowed forms in the message. */
function urlWithScheme(schemes: readonly string[], hint: string) {
  return z.string().refine(
    (text) => {
      const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]?.toLowerCase();
      if (scheme === undefined || !schemes.includes(scheme)) return false;
      return scheme.startsWith("http") ? hasHost(text) : text.length > scheme.length + 1;
    },
    { error: (issue) => `${quote(issue.input)} is not a supported URL (use ${hint})` },
  );
}

const stateUrl = z.string().superRefine((url, ctx) => {
  const problem = stateUrlProblem(url);
  if (problem) {
    ctx.addIssue({
      code: "custom",
      message: `${quote(url)} ${problem} (use sqlite:<path> or postgres://user@host:5432/db)`,
    });
  }
});
const repositoryUrl = urlWithScheme(["file", "s3"], "file:<path> or s3://<bucket>/<prefix>").refine(
  (url) => !/^s3:/i.test(url) || /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(url),
  { error: (issue) => `${quote(issue.input)} does not name a bucket (use s3://<bucket>/<prefix>)` },
);
const endpointUrl = urlWithScheme(["http", "https"], "http://host:port or https://host");

/** Names of providers and environments: used in tags, CLI arguments and file names. */
const namePattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
const nameSchema = z.string().regex(namePattern, {
  error: (issue) =>
    `${quote(issue.input)} is not a valid name (letters, digits, "-" and "_", starting with a letter or digit)`,
});

const nonEmpty = z.string().min(1, "must not be empty");
const stringMap = z.record(z.string(), z.string());

/** Requires exactly one (or at least one) of `keys` to be present on an object. */
function requireKeys(keys: readonly string[], mode: "exactly-one" | "at-least-one") {
  return (value: object, ctx: z.core.$RefinementCtx<object>) => {
    const present = keys.filter((key) => (value as Record<string, unknown>)[key] !== undefined);
    if (present.length === 0 || (mode === "exactly-one" && present.length > 1)) {
      const what = mode === "exactly-one" ? "exactly one" : "at least one";
      ctx.addIssue({
        code: "custom",
        message: `needs ${what} of ${keys.join(", ")}${present.length > 1 ? ` (found ${present.join(", ")})` : ""}`,
      });
    }
  };
}

const repositorySchema = z
  .strictObject({
    url: repositoryUrl,
    endpoint: endpointUrl.optional(),
    passwordEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be the name of an environment variable")
      .optional(),
    passwordFile: nonEmpty.optional(),
  })
  .superRefine(requireKeys(["passwordEnv", "passwordFile"], "exactly-one"));

const credentialsSchema = z
  .strictObject({
    profile: nonEmpty.optional(),
    accessKeyIdEnv: nonEmpty.optional(),
    secretAccessKeyEnv: nonEmpty.optional(),
    sessionTokenEnv: nonEmpty.optional(),
  })
  .superRefine((value, ctx) => {
    if ((value.accessKeyIdEnv === undefined) !== (value.secretAccessKeyEnv === undefined)) {
      ctx.addIssue({
        code: "custom",
        message: "accessKeyIdEnv and secretAccessKeyEnv go together; set both or neither",
      });
    }
    if (value.profile !== undefined && value.accessKeyIdEnv !== undefined) {
      ctx.addIssue({ code: "custom", message: "use either profile or the *Env keys, not both" });
    }
  });

const providerSchema = z.strictObject({
  type: z.literal("aws", {
    error: (i) =>
      i.input === undefined ? undefined : `${quote(i.input)} is not supported (supported: aws)`,
  }),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, {
    error: (issue) => `${quote(issue.input)} is not a region name (use e.g. us-east-1)`,
  }),
  endpoint: endpointUrl.optional(),
  /** Absent: the AWS SDK's default chain (environment variables, shared profile, instance role). */
  credentials: credentialsSchema.optional(),
});

const selectSchema = z
  .strictObject({
    tags: stringMap.optional(),
    network: nonEmpty.optional(),
    ids: z.array(nonEmpty).min(1, "must list at least one id").optional(),
  })
  .superRefine(requireKeys(["tags", "network", "ids"], "at-least-one"));

const resourceSelectorSchema = z
  .strictObject({ tags: stringMap.optional(), ids: z.array(nonEmpty).min(1).optional() })
  .superRefine(requireKeys(["tags", "ids"], "at-least-one"));

/**
 * A self-managed PostgreSQL cluster protected by base backups plus continuous WAL archiving
 * (docs/pg-protection.md). The `name` keys its base backups, WAL and recovery points.
 */
const postgresSchema = z.strictObject({
  name: nameSchema,
  /** libpq URL of a role with REPLICATION for `pg_basebackup` (postgres://user@host:port/db). */
  url: urlWithScheme(["postgres", "postgresql"], "postgres://user@host:5432/db"),
  /** Folder holding pg_basebackup, postgres, pg_ctl; default the newest /usr/lib/postgresql. */
  bin: nonEmpty.optional(),
});

const protectSchema = z
  .strictObject({
    volumes: resourceSelectorSchema.optional(),
    databases: resourceSelectorSchema.optional(),
    postgres: postgresSchema.optional(),
    /** The most data, as time, this item may lose. */
    rpo: durationSchema,
    /** How often a recovery point is made; defaults to the rpo. */
    every: durationSchema.optional(),
    /**
     * Captures the item's volumes at one instant as the consistency group of this name
     * (docs/protect.md, "Consistency groups"): journals cut at one timestamp, scans inside the
     * backup workflows' window.
     */
    group: nameSchema.optional(),
    /**
     * Backup workflows around each protection cycle (docs/workflow-semantics.md, "Backup
     * workflows"): workflow names or inline steps; a `before` step may `undo` an `after` step.
     */
    workflows: z
      .strictObject({
        before: z.array(z.union([nameSchema, workflowStepSchema])).default([]),
        after: z.array(z.union([nameSchema, workflowStepSchema])).default([]),
      })
      .optional(),
    /** Retention of recovery points (docs/protect.md); the newest point is always kept. */
    keep: z
      .strictObject({
        last: z.number().int().min(1).optional(),
        within: durationSchema.optional(),
      })
      .optional(),
    /**
     * Pre-staged mode (docs/hydration.md): after each point, push the changed blocks into a
     * standing snapshot chain in this provider connection (region: its own, unless given).
     */
    prestage: z.strictObject({ connection: nonEmpty, region: nonEmpty.optional() }).optional(),
  })
  .superRefine(requireKeys(["volumes", "databases", "postgres"], "exactly-one"));

/**
 * One volume the agent protects: a local device or image file (`scan`, `journal`), or a cloud
 * volume read through the provider's changed-block tracking (`cbt`).
 */
const agentVolumeSchema = z
  .strictObject({
    /** A block device or an image file on the agent's machine (`scan`, `journal`). */
    path: nonEmpty.optional(),
    /**
     * `journal`: writes go through the journal pass-through; `scan`: hash-compare each cycle;
     * `cbt`: provider snapshots of the volume, only changed blocks read (EBS direct APIs).
     */
    mode: z.enum(["journal", "scan", "cbt"]).default("scan"),
    /** journal: where the protected image is exposed; default `<state>/<volume>/mnt`. */
    mountpoint: nonEmpty.optional(),
    /** Overrides the schedule from the matching `protect` item. */
    every: durationSchema.optional(),
    /** cbt: the provider connection (`providers.<name>`) holding the volume. */
    connection: nonEmpty.optional(),
    /** cbt: the provider's volume id; default the binding's key. */
    volume: nonEmpty.optional(),
    /**
     * cbt: `create` takes a snapshot of the volume each cycle; `tagged` uses the newest
     * completed snapshot tagged `lifeboat:cbt-volume=<volume>` that another tool made.
     */
    snapshots: z.enum(["create", "tagged"]).default("create"),
  })
  .superRefine((v, ctx) => {
    if (v.mode === "cbt" && v.connection === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["connection"],
        message: "a cbt volume needs the provider connection holding it (connection: <provider>)",
      });
    }
    if (v.mode !== "cbt" && v.path === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["path"],
        message: `a ${v.mode} volume needs path: the device or image file to protect`,
      });
    }
  });

/** `lifeboat agent` (docs/protect.md, "Agent"). */
const agentSchema = z.strictObject({
  /** The agent's name in heartbeats; default the host name. */
  name: nonEmpty.optional(),
  /** Directory for journals and mount points, relative to the config file. */
  state: nonEmpty.default(".lifeboat/agent"),
  heartbeat: durationSchema.default("30s"),
  /** Volume id (as captured) → local device or image file. */
  volumes: z.record(nonEmpty, agentVolumeSchema),
});

const cidrPattern = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;
const cidr = z.string().regex(cidrPattern, {
  error: (issue) => `${quote(issue.input)} is not an IPv4 CIDR (use e.g. 10.0.0.0/16)`,
});

const mappingSchema = z.strictObject({
  zones: stringMap.default({}),
  keepPrivateIps: z.boolean().default(true),
  instanceTypes: z
    .record(z.string(), z.array(nonEmpty).min(1, "must list at least one instance type"))
    .default({}),
  cidrs: z.record(cidr, cidr).optional(),
  /** `copy` (copy every image into the target region) or source image id → target image id. */
  images: z.union([z.literal("copy"), stringMap]).optional(),
  keyPairs: stringMap.optional(),
  nameSuffix: z.string().optional(),
  tags: stringMap.optional(),
});

/** `recovery.verify`: the check of the recovered endpoint before traffic moves (docs/failover.md). */
const verifySchema = z.strictObject({
  /** `{dnsName}` stands for the recovered load balancer's DNS name. */
  url: z
    .string()
    .refine((text) => /^https?:\/\/[^/\s]+/i.test(text.replaceAll("{dnsName}", "lb.example")), {
      error: (issue) =>
        `${quote(issue.input)} is not an http(s) URL (use e.g. http://{dnsName}/health)`,
    }),
  expectStatus: z.number().int().min(100).max(599).optional(),
  bodyContains: z.string().optional(),
  timeout: durationSchema.default("10m"),
  every: durationSchema.default("10s"),
});

/**
 * `recovery.workflows`: workflow names (of the top-level `workflows`) by plan point
 * (docs/recovery-plan.md, "Workflow points"); several at one point run in list order.
 */
const attachedWorkflowsSchema = z.strictObject(
  Object.fromEntries(workflowPoints.map((p) => [p, z.array(nameSchema).optional()])) as Record<
    WorkflowPoint,
    z.ZodOptional<z.ZodArray<typeof nameSchema>>
  >,
);

const recoverySchema = z
  .strictObject({
    /** The provider connection to recover into; or `targets`, in preference order. */
    target: nameSchema.optional(),
    /** Candidate connections, most preferred first (docs/recovery.md, "Target selection"). */
    targets: z.array(nameSchema).min(1, "must list at least one connection").optional(),
    mapping: mappingSchema.default(() => ({ zones: {}, keepPrivateIps: true, instanceTypes: {} })),
    verify: verifySchema.optional(),
    /** How long a failover waits at its approval step (failover-with-approval, `--approval`). */
    approvalTimeout: durationSchema.default("1h"),
    /** Fence the source (scaling groups to 0, machines stopped) after DNS moved. */
    fence: z.boolean().default(true),
    workflows: attachedWorkflowsSchema.default({}),
  })
  .superRefine((r, ctx) => {
    if ((r.target === undefined) === (r.targets === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["target"],
        message: "set exactly one of target (one connection) or targets (a preference list)",
      });
    }
  })
  // `target` is the first preference, so code that needs one connection keeps working.
  .transform(({ target, targets, ...rest }) => ({
    ...rest,
    target: target ?? targets?.[0] ?? "",
    targets: targets ?? [target ?? ""],
  }));

const port = z.number().int().min(1).max(65535);
const defaultProbeTimeout = "5s";

/** Probe ids name probes in `failover.rules[].probes` and in evidence. */
const probeId = { id: nonEmpty.optional() };

const statusCode = z.number().int().min(100).max(599);
const expectStatusSchema = z.union([
  statusCode,
  z
    .strictObject({ min: statusCode, max: statusCode })
    .refine((r) => r.min <= r.max, "min must not be larger than max"),
]);

const regularExpression = z.string().refine(
  (text) => {
    try {
      new RegExp(text);
      return true;
    } catch {
      return false;
    }
  },
  { error: (issue) => `${quote(issue.input)} is not a valid regular expression` },
);

const ipv4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const resolverSchema = z.string().refine(
  (text) => {
    const [host, portText, ...rest] = text.split(":");
    if (rest.length > 0 || host === undefined || !ipv4.test(host)) return false;
    const portNumber = portText === undefined ? 53 : Number(portText);
    return Number.isInteger(portNumber) && portNumber >= 1 && portNumber <= 65535;
  },
  { error: (issue) => `${quote(issue.input)} is not a resolver address (use ip or ip:port)` },
);

const healthSchema = z
  .strictObject({
    http: z
      .strictObject({
        ...probeId,
        url: urlWithScheme(["http", "https"], "http://… or https://…"),
        every: durationSchema,
        expectStatus: expectStatusSchema.optional(),
        bodyContains: nonEmpty.optional(),
        bodyMatches: regularExpression.optional(),
        slowerThan: durationSchema.optional(),
        timeout: durationSchema.default(defaultProbeTimeout),
      })
      .optional(),
    tcp: z
      .strictObject({
        ...probeId,
        host: nonEmpty,
        port,
        every: durationSchema,
        slowerThan: durationSchema.optional(),
        timeout: durationSchema.default(defaultProbeTimeout),
      })
      .optional(),
    dns: z
      .strictObject({
        ...probeId,
        name: nonEmpty,
        every: durationSchema,
        resolver: resolverSchema.optional(),
        recordType: z.enum(["A", "AAAA"]).optional(),
        expectAddresses: z
          .array(z.union([z.ipv4(), z.ipv6()]))
          .min(1)
          .optional(),
        timeout: durationSchema.default(defaultProbeTimeout),
      })
      .optional(),
    heartbeat: z
      .strictObject({ ...probeId, agent: nonEmpty, maxAge: durationSchema, every: durationSchema })
      .optional(),
    replication: z.strictObject({ ...probeId, every: durationSchema }).optional(),
    provider: z
      .strictObject({
        ...probeId,
        /** A key of `providers`; default the environment's `source`. */
        connection: nameSchema.optional(),
        every: durationSchema,
        timeout: durationSchema.default(defaultProbeTimeout),
      })
      .optional(),
  })
  .superRefine(
    requireKeys(["http", "tcp", "dns", "heartbeat", "replication", "provider"], "exactly-one"),
  );

/** Where decisions are sent: webhooks (docs/watch.md, "Webhook"). */
const alertsSchema = z.strictObject({
  webhooks: z
    .array(
      z.strictObject({
        url: urlWithScheme(["http", "https"], "http://… or https://…"),
        /** Environment variable holding the HMAC signing secret. */
        secretEnv: z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be the name of an environment variable")
          .optional(),
        headers: stringMap.optional(),
      }),
    )
    .default([]),
});

/** What the watcher may do when a failover rule is met (docs/watch.md). */
export const failoverActions = watchActions;

const environmentSchema = z.strictObject({
  /** Who owns it: API tokens of this tenant see it, others do not (absent: `default`). */
  tenant: accessNameSchema.optional(),
  source: nameSchema,
  select: selectSchema,
  capture: z.strictObject({ every: durationSchema }).default({ every: "5m" }),
  protect: z.array(protectSchema).default([]),
  agent: agentSchema.optional(),
  recovery: recoverySchema,
  health: z.array(healthSchema).default([]),
  /** Scheduled drills, run by `lifeboat serve`'s scheduler (docs/api.md, "Serving"). */
  drill: z.strictObject({ every: durationSchema }).optional(),
  failover: failoverPolicySchema.default({
    action: "alert",
    after: 3,
    recoverAfter: 3,
    cooldown: "30m",
    maintenance: [],
  }),
  /** Alert channels of this environment, in addition to the top-level `alerts`. */
  alerts: alertsSchema.optional(),
  dns: z
    .strictObject({
      zone: nonEmpty,
      records: z.array(nonEmpty).min(1, "must list at least one record"),
      /** Which load balancer the records move to (source name or id) when there are several. */
      loadBalancer: nonEmpty.optional(),
      /** TTL of moved records that are not aliases; default their current TTL. */
      ttl: durationSchema.optional(),
      /** Lower the records' TTL to this at the start of a failover (a `dns-ttl` step). */
      lowerTtl: durationSchema.optional(),
    })
    .optional(),
});

/** `lifeboat serve` (docs/api.md, "Serving"). */
const serverSchema = z.strictObject({
  /** Address to listen on; `0.0.0.0` for every interface. */
  host: nonEmpty.default("127.0.0.1"),
  /** 0 picks a free port (printed at start). */
  port: z.number().int().min(0).max(65535).default(8080),
  /** How long the scheduler lease lasts without renewal: a dead holder is replaced within it. */
  leaderTtl: durationSchema.default("30s"),
  /** How long a stopping server waits for runs in progress before it leaves them to resume. */
  shutdownGrace: durationSchema.default("30s"),
  /** Whether `/metrics` needs a token (any role). */
  metricsNeedToken: z.boolean().default(true),
});

/** Recovery runs, whichever process executes them (docs/execution.md, "Leases"). */
const executionSchema = z.strictObject({
  /**
   * How long a run's lease lasts without renewal: when its executor dies (or stalls that long),
   * another process may take the run over after this (`serve` within it plus a third of it).
   */
  leaseTtl: durationSchema.default("30s"),
});

/** The default state store: an SQLite file beside the config. */
export const defaultStateUrl = "sqlite:.lifeboat/state.db";

/** The whole of `lifeboat.yaml`. */
export const configSchema = z.strictObject({
  state: stateUrl.default(defaultStateUrl),
  repository: repositorySchema,
  providers: z.record(nameSchema, providerSchema).default({}),
  environments: z.record(nameSchema, environmentSchema).default({}),
  server: serverSchema.optional(),
  execution: executionSchema.optional(),
  /** Alert channels of every environment. */
  alerts: alertsSchema.optional(),
  /** External workflow plug-ins (docs/plugins.md), loaded in this order. */
  plugins: z.array(pluginReferenceSchema).default([]),
  /** Workflows by name (docs/workflow-semantics.md). */
  workflows: z.record(nameSchema, workflowSchema).default({}),
});

/** A validated config, with defaults applied. Loaders return it deeply frozen. */
export type LifeboatConfig = z.infer<typeof configSchema>;
export type RepositoryConfig = LifeboatConfig["repository"];
export type ProviderConfig = z.infer<typeof providerSchema>;
export type EnvironmentConfig = z.infer<typeof environmentSchema>;
export type HealthCheckConfig = z.infer<typeof healthSchema>;
export type AlertsConfig = z.infer<typeof alertsSchema>;
export type ProtectConfig = z.infer<typeof protectSchema>;
export type PostgresProtectConfig = z.infer<typeof postgresSchema>;
export type AgentConfig = z.infer<typeof agentSchema>;
export type AgentVolumeConfig = z.infer<typeof agentVolumeSchema>;
export type RecoveryMappingConfig = z.infer<typeof mappingSchema>;
export type ServerConfig = z.infer<typeof serverSchema>;
export type FailoverAction = (typeof failoverActions)[number];
