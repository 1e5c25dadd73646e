/**
 * What the planner needs to know about the target before it plans anything: gathered once,
 * read-only, through a small port so that the planner and the pre-flight stay pure functions
 * of data (and testable without a cloud).
 */
export interface TargetFacts {
  readonly region: string;
  /** Availability zones the account may use in the region. */
  readonly zones: readonly string[];
  /** Zone → instance types offered there (AWS: DescribeInstanceTypeOfferings by zone). */
  readonly instanceTypes: Readonly<Record<string, readonly string[]>>;
  /** Networks that already exist in the target region, for the CIDR overlap check. */
  readonly networks: readonly TargetNetwork[];
  /** Images visible in the target region among those asked for (by id or by name). */
  readonly images: readonly TargetImage[];
  /** Key pair names in the target region; undefined when they were not looked up. */
  readonly keyPairs?: readonly string[];
}

export interface TargetNetwork {
  readonly id: string;
  readonly cidrBlocks: readonly string[];
  readonly name?: string;
}

export interface TargetImage {
  readonly id: string;
  readonly name: string;
}

/** What to look up: only the types, images and key pairs the environment uses. */
export interface TargetFactsRequest {
  readonly instanceTypes: readonly string[];
  readonly imageIds: readonly string[];
  readonly imageNames: readonly string[];
  readonly keyPairs: readonly string[];
}

/**
 * The port an adapter implements to answer {@link TargetFactsRequest} for one connection.
 * Read-only; complete (paginated to the end); provider failures surface as `LB_PROVIDER_*`.
 * On AWS: DescribeAvailabilityZones; DescribeInstanceTypeOfferings (location type
 * `availability-zone`, filtered by the requested types); DescribeVpcs; DescribeImages by id and
 * by name (a missing id is not an error: pre-flight reports it); DescribeKeyPairs.
 * A reference implementation on the SDK: test/integration/plan-target-facts.ts.
 */
export interface TargetFactsSource {
  gather(request: TargetFactsRequest, signal?: AbortSignal): Promise<TargetFacts>;
}
