import type { LogicalId, Resource } from "../model/inventory/index.js";
import type { External } from "../model/inventory/index.js";

/**
 * The port every cloud adapter implements (DESIGN.md, "providers/"). This first slice covers
 * discovery and identity; later issues add applying a plan step, volume blocks and DNS changes.
 *
 * Semantics every implementation keeps:
 * - Read-only: nothing here changes the cloud.
 * - Complete: every list call is paginated to the end; a partial answer is an error, never a
 *   silently short inventory.
 * - Bounded: at most `maxConcurrency` requests are in flight per provider connection, however
 *   many resources there are.
 * - Retries: throttling and transient network failures are retried with adaptive back-off
 *   inside the adapter; what still fails surfaces as a LifeboatError (`LB_PROVIDER_*`), with
 *   `retryable` telling the caller whether trying again later can help.
 * - Errors: nothing of the provider's SDK escapes; failures are LifeboatErrors from the catalogue.
 */
export interface Provider {
  /** Registry name of the adapter, e.g. `aws`. */
  readonly type: string;
  /** Who the credentials act as, and where. Fails with LB_PROVIDER_AUTH / _UNREACHABLE. */
  identity(): Promise<ProviderIdentity>;
  /** Whether the provider answers and accepts the credentials; never throws for those. */
  status(): Promise<ProviderStatus>;
  /**
   * Every resource of the supported kinds in the connection's region (and the global services
   * it uses, such as DNS), normalised into model resources whose references are logical ids.
   * Selection and dependency closure are the capture engine's job, because a selected resource's
   * dependencies are usually untagged.
   */
  discover(request?: DiscoveryRequest): Promise<Discovery>;
  /** API calls made so far by this connection, for performance reports. */
  apiCalls(): ApiCallStats;
}

export interface ProviderIdentity {
  readonly type: string;
  readonly account: string;
  /** The principal (user, role) the credentials belong to. */
  readonly principal: string;
  readonly region: string;
  /** Set when the connection talks to a custom endpoint (an emulator, an AWS-compatible cloud). */
  readonly endpoint?: string;
}

export type ProviderStatus =
  | { readonly ok: true; readonly identity: ProviderIdentity }
  | {
      readonly ok: false;
      /** A stable `LB_PROVIDER_*` code. */
      readonly code: string;
      readonly message: string;
      readonly retryable: boolean;
    };

export interface DiscoveryRequest {
  /** Cancels outstanding requests; discovery then rejects with LB_CANCELLED. */
  readonly signal?: AbortSignal;
}

/** Facts about a discovered resource that decide selection but are not part of the inventory. */
export interface DiscoveryFacts {
  /** Created by the provider with the account or the network (default VPC, main table, ...). */
  readonly isDefault?: boolean;
  /** Created and replaced by another resource, e.g. the machines of a scaling group. */
  readonly managedBy?: LogicalId;
}

export interface DiscoveredResource {
  readonly resource: Resource;
  readonly facts: DiscoveryFacts;
}

/** The reason prefix of a resource set aside because the provider's answer had an odd shape. */
export const unexpectedShape = "unexpected shape from the provider";

/** Something the provider saw but that is never a resource of an environment. */
export interface IgnoredResource {
  readonly providerId: string;
  readonly kind: string;
  /** Why, e.g. "interface managed by a load balancer", "zone's SOA record". */
  readonly reason: string;
}

export interface Discovery {
  readonly account: string;
  readonly region: string;
  readonly resources: readonly DiscoveredResource[];
  /**
   * What the adapter learned about referenced things that are not resources here: images of
   * other owners, ids the provider no longer knows. The engine adds entries of its own for the
   * kinds a capture never holds (key pairs, certificates, ...).
   */
  readonly externals: readonly External[];
  readonly ignored: readonly IgnoredResource[];
}

export interface ApiCallStats {
  /** Operations started (each may take several HTTP attempts). */
  readonly calls: number;
  /** HTTP attempts, including retries. */
  readonly attempts: number;
  readonly byOperation: Readonly<Record<string, number>>;
}
