/**
 * A real API server for tests, without a cloud: a config with two tenants' environments, a
 * real repository and SQLite store in a temp folder, two inventory versions of `shop` recorded
 * the way a capture records them, and tokens of every role. `app.inject` talks to it.
 */
import { strict as assert } from "node:assert";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { backgroundRuns } from "../../src/api/background-runs.js";
import { openApiServices } from "../../src/api/api-services.js";
import type { ApiDeps } from "../../src/api/api-deps.js";
import type { RunControl } from "../../src/api/run-control.js";
import type { CompositionOptions } from "../../src/composition.js";
import { buildApp } from "../../src/api/build-app.js";
import type { ApiRole } from "../../src/model/access.js";
import { silentLogger } from "../../src/model/logger.js";
import { countsByKind, inventoryDigest, type Inventory } from "../../src/model/inventory/index.js";
import { FsBackend } from "../../src/repository/backends/fs-backend.js";
import { Repository } from "../../src/repository/repository.js";
import { issueApiToken } from "../../src/store/api-tokens-repo.js";
import { shopInventory } from "../builders/shop-inventory.js";
import { password as workspacePassword } from "../e2e/capture-fixture.js";
import { ConfigBuilder } from "../e2e/config-builder.js";
import { password, testOptions } from "./repo-fixture.js";

export interface ApiFixture {
  readonly app: FastifyInstance;
  readonly deps: ApiDeps;
  readonly dir: string;
  readonly config: string;
  /** Bearer tokens: `a.viewer`, `a.operator`, … of tenant team-a (owns `shop`), `b.*` of team-b. */
  readonly tokens: Readonly<Record<`${"a" | "b"}.${ApiRole}`, string>>;
  /** GET/POST with a token; returns status and parsed JSON. */
  call(
    token: string | undefined,
    method: "GET" | "POST",
    url: string,
    body?: unknown,
  ): Promise<{ status: number; json: Record<string, unknown> & { error?: { code: string } } }>;
  /** Calls and asserts the error status and code (the message is never asserted). */
  expectError(
    token: string | undefined,
    method: "GET" | "POST",
    url: string,
    expected: { readonly status: number; readonly code: string },
    body?: unknown,
  ): Promise<void>;
  close(): Promise<void>;
}

/** Records `inventory` as the next version of `environment`, as a capture would. */
export async function recordVersion(
  deps: ApiDeps,
  environment: string,
  inventory: Inventory,
  capturedAt: Date,
): Promise<void> {
  const { archive, index } = await deps.inventories(environment);
  const digest = inventoryDigest(inventory);
  const counts = countsByKind(inventory);
  const snapshotId = await archive.save({ environment, inventory, digest, capturedAt, counts });
  await index.record({ environment, capturedAt, digest, snapshotId, counts });
}

/** `shop` belongs to team-a; `other` (never captured, protects data) to team-b. */
export function twoTenants(builder: ConfigBuilder): ConfigBuilder {
  return builder.set("environments.shop.tenant", "team-a").set("environments.other", {
    tenant: "team-b",
    source: "east",
    select: { tags: { app: "other" } },
    recovery: { target: "west" },
    protect: [{ volumes: { tags: { app: "other" } }, rpo: "15m" }],
  });
}

/**
 * {@link twoTenants} with the AWS credentials named in the config, so the SDK in this test
 * process never reads the process's own environment.
 */
export function twoTenantsOnMoto(builder: ConfigBuilder): ConfigBuilder {
  const keys = { accessKeyIdEnv: "AWS_ACCESS_KEY_ID", secretAccessKeyEnv: "AWS_SECRET_ACCESS_KEY" };
  return twoTenants(builder)
    .set("providers.east.credentials", keys)
    .set("providers.west.credentials", keys);
}

/** The API over a moto workspace (a recover or failover world), running its runs in this process. */
export async function startMotoApiFixture(config: string): Promise<ApiFixture> {
  return await startApiFixture({
    config,
    env: {
      ...process.env,
      LIFEBOAT_PASSWORD: workspacePassword,
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
      AWS_EC2_METADATA_DISABLED: "true",
    },
    runs: (options) => backgroundRuns(options, silentLogger),
  });
}

export interface ApiFixtureOptions {
  /** An existing workspace (config and repository); default a new one with two versions. */
  readonly config?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly runs?: (options: CompositionOptions) => RunControl;
  /** Record two versions of `shop` (default true for a new workspace). */
  readonly versions?: boolean;
}

export async function startApiFixture(options: ApiFixtureOptions = {}): Promise<ApiFixture> {
  const dir = await mkdtemp(join(tmpdir(), "lifeboat-api-"));
  const config = options.config ?? twoTenants(ConfigBuilder.shop()).writeTo(dir);
  if (options.config === undefined) {
    const repo = await Repository.init(
      new FsBackend(join(dir, ".lifeboat/repo")),
      password,
      testOptions,
    );
    await repo.close();
  }
  const env = options.env ?? { LIFEBOAT_PASSWORD: password.reveal() };
  const runs = options.runs?.({ config, env });
  const { deps, close } = await openApiServices({ config, env, ...(runs ? { runs } : {}) });
  if (options.config === undefined && options.versions !== false) {
    await recordVersion(deps, "shop", shopInventory().build(), new Date("2026-03-01T10:00:00Z"));
    const changed = shopInventory().network("vpc-2", "10.9.0.0/16").build();
    await recordVersion(deps, "shop", changed, new Date("2026-03-01T11:00:00Z"));
  }
  const tokens: Record<string, string> = {};
  for (const [tenant, key] of [
    ["team-a", "a"],
    ["team-b", "b"],
  ] as const) {
    for (const role of ["viewer", "operator", "approver", "admin"] as const) {
      const issued = await issueApiToken(deps.store, { name: `${key}-${role}`, tenant, role });
      tokens[`${key}.${role}`] = issued.token;
    }
  }
  const app = buildApp(deps);
  const call: ApiFixture["call"] = async (token, method, url, body) => {
    const response = await app.inject({
      method,
      url,
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    return { status: response.statusCode, json: response.json() };
  };
  return {
    app,
    deps,
    dir,
    config,
    tokens: tokens as ApiFixture["tokens"],
    call,
    expectError: async (token, method, url, expected, body) => {
      const r = await call(token, method, url, body);
      const what = `${method} ${url} ${body === undefined ? "" : JSON.stringify(body)}`;
      assert.deepEqual({ status: r.status, code: r.json.error?.code }, expected, what);
    },
    close: async () => {
      await runs?.drain();
      await app.close();
      await close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
