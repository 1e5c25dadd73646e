import { DescribeImagesCommand } from "@aws-sdk/client-ec2";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { LifeboatError, toErrorJson } from "../../model/errors.js";
import {
  dependenciesOf,
  resourceSchema,
  parseLogicalId,
  ref,
  type External,
  type Ref,
} from "../../model/inventory/index.js";
import type {
  ApiCallStats,
  Discovery,
  DiscoveredResource,
  DiscoveryRequest,
  IgnoredResource,
  Provider,
  ProviderIdentity,
  ProviderStatus,
} from "../provider.js";
import { unexpectedShape } from "../provider.js";
import { call, chunks } from "./aws-calls.js";
import { AwsConnection, type AwsConnectionOptions } from "./aws-connection.js";
import { dnsKey, external } from "./aws-ids.js";
import { fetchDns } from "./fetch-dns.js";
import { fetchEc2 } from "./fetch-ec2.js";
import { fetchBalancing, fetchDatabases, fetchScalingGroups } from "./fetch-services.js";
import { normaliseBalancing } from "./normalise-balancing.js";
import { managedMachines, normaliseCompute, normaliseScalingGroups } from "./normalise-compute.js";
import { normaliseDatabases, normaliseDns } from "./normalise-data.js";
import { normaliseNetwork, serviceInterfaces } from "./normalise-network.js";

/** The AWS adapter (SDK v3): one account, one region, plus the global DNS service. */
export class AwsProvider implements Provider {
  readonly type = "aws";
  readonly #connection: AwsConnection;

  constructor(options: AwsConnectionOptions) {
    this.#connection = new AwsConnection(options);
  }

  async identity(): Promise<ProviderIdentity> {
    const { sts } = this.#connection.clients;
    const me = await call("sts.GetCallerIdentity", () =>
      sts.send(new GetCallerIdentityCommand({})),
    );
    const { region, endpoint } = this.#connection.options;
    return {
      type: this.type,
      account: me.Account ?? "",
      principal: me.Arn ?? "",
      region,
      ...(endpoint === undefined ? {} : { endpoint }),
    };
  }

  async status(): Promise<ProviderStatus> {
    try {
      return { ok: true, identity: await this.identity() };
    } catch (error) {
      const { code, message, retryable } = toErrorJson(error);
      return { ok: false, code, message, retryable };
    }
  }

  apiCalls(): ApiCallStats {
    return this.#connection.stats();
  }

  /** Releases the connection's sockets. */
  close(): void {
    this.#connection.destroy();
  }

  async discover(request: DiscoveryRequest = {}): Promise<Discovery> {
    const cancelled = () => new LifeboatError("LB_CANCELLED", "discovery cancelled");
    if (request.signal?.aborted) throw cancelled();
    const { ec2, elbv2, autoscaling, rds, route53 } = this.#connection.clients;
    const { region, pageSize } = this.#connection.options;
    // The first failure (or the caller's cancel) stops every request still queued.
    const stop = new AbortController();
    const onCancel = () => stop.abort();
    request.signal?.addEventListener("abort", onCancel, { once: true });
    const guard = <T>(job: Promise<T>) =>
      job.catch((error: unknown) => {
        stop.abort();
        throw error;
      });
    const fetched = this.#connection.scoped(stop.signal, () =>
      Promise.all([
        guard(this.identity()),
        guard(fetchEc2(ec2, pageSize)),
        guard(fetchBalancing(elbv2, pageSize)),
        guard(fetchScalingGroups(autoscaling, pageSize)),
        guard(fetchDatabases(rds, pageSize)),
        guard(fetchDns(route53, pageSize)),
      ]),
    );
    const [identity, ec2Raw, balancing, scaling, databases, dns] = await fetched
      .catch((error: unknown) => {
        throw request.signal?.aborted ? cancelled() : error;
      })
      .finally(() => request.signal?.removeEventListener("abort", onCancel));
    const ignored = serviceInterfaces(ec2Raw);
    const managed = managedMachines(ec2Raw);
    const resources: DiscoveredResource[] = [
      ...normaliseNetwork(ec2Raw, {
        region,
        serviceInterfaces: new Set(ignored.map((i) => i.providerId)),
        managedMachines: managed,
      }),
      ...normaliseCompute(ec2Raw, region, managed),
      ...normaliseScalingGroups(scaling, region),
      ...normaliseBalancing(balancing, region, managed),
      ...normaliseDatabases(databases, region),
    ];
    const byName = new Map<string, Ref>();
    for (const lb of balancing.loadBalancers) {
      if (lb.DNSName && lb.LoadBalancerName) {
        byName.set(dnsKey(lb.DNSName), ref("load-balancer", lb.LoadBalancerName));
      }
    }
    for (const db of databases.instances) {
      if (db.Endpoint?.Address && db.DBInstanceIdentifier) {
        byName.set(dnsKey(db.Endpoint.Address), ref("database", db.DBInstanceIdentifier));
      }
    }
    const byIp = new Map<string, Ref>();
    for (const a of ec2Raw.addresses) {
      if (a.PublicIp && a.AllocationId) byIp.set(a.PublicIp, ref("address", a.AllocationId));
    }
    const records = normaliseDns(dns, { byName, byIp });
    resources.push(...records.resources);
    const { valid, invalid } = validated(resources);
    return {
      account: identity.account,
      region,
      resources: valid,
      externals: await this.#foreignImages(valid, identity.account),
      ignored: [...ignored, ...records.ignored, ...invalid],
    };
  }

  /** Images that machines or templates use but the account does not own (public, shared, gone). */
  async #foreignImages(
    resources: readonly DiscoveredResource[],
    account: string,
  ): Promise<External[]> {
    const known = new Set(resources.map((r) => r.resource.id));
    const wanted = new Set<string>();
    for (const { resource } of resources) {
      for (const id of dependenciesOf(resource)) {
        const parsed = parseLogicalId(id);
        if (parsed?.kind === "image" && !known.has(id)) wanted.add(parsed.providerId);
      }
    }
    if (wanted.size === 0) return [];
    const { ec2 } = this.#connection.clients;
    // A filter, not ImageIds: ImageIds fails the whole call when one image no longer exists.
    // Filters take a bounded number of values, hence the chunks.
    const answers = await Promise.all(
      chunks([...wanted], 100).map((Values) =>
        call("ec2.DescribeImages", () =>
          ec2.send(new DescribeImagesCommand({ Filters: [{ Name: "image-id", Values }] })),
        ),
      ),
    );
    const images = answers.flatMap((a) => a.Images ?? []);
    const found = new Map(images.map((i) => [i.ImageId ?? "", i]));
    return [...wanted].sort().map((id) => {
      const image = found.get(id);
      if (!image) return external("image", id, "not-found");
      return external("image", id, image.OwnerId === account ? "not-found" : "other-owner", {
        ...(image.Name ? { name: image.Name } : {}),
        ...(image.OwnerId ? { owner: image.OwnerId } : {}),
        ...(image.ImageOwnerAlias ? { ownerAlias: image.ImageOwnerAlias } : {}),
      });
    });
  }
}

/**
 * Capture tools crash on API shapes they did not expect (terraformer#1166). A resource the
 * normaliser could not bring into the model's shape (a missing id, an unknown value) is set
 * aside and reported, and the capture engine warns about it; the rest of the region is kept.
 */
function validated(resources: readonly DiscoveredResource[]): {
  valid: DiscoveredResource[];
  invalid: IgnoredResource[];
} {
  const valid: DiscoveredResource[] = [];
  const invalid: IgnoredResource[] = [];
  for (const entry of resources) {
    const parsed = resourceSchema.safeParse(entry.resource);
    if (parsed.success) {
      valid.push(entry);
      continue;
    }
    const issue = parsed.error.issues[0];
    invalid.push({
      providerId: entry.resource.providerId || entry.resource.id,
      kind: entry.resource.kind,
      reason: `${unexpectedShape}: ${issue?.path.join(".") ?? "?"}: ${issue?.message ?? "invalid"}`,
    });
  }
  return { valid, invalid };
}
