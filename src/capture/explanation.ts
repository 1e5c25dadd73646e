import type { External, LogicalId, ResourceKind } from "../model/inventory/index.js";

/** Why a resource is in the environment. */
export type InclusionReason =
  | { readonly type: "selected"; readonly by: "tags" | "network" | "ids" }
  | { readonly type: "dependency"; readonly of: LogicalId; readonly path: string }
  | { readonly type: "part-of"; readonly of: LogicalId; readonly why: string };

/** Why a resource the provider showed is not in the environment. */
export type ExclusionReason =
  /** Another resource creates and replaces it (a scaling group's machines, their disks). */
  | { readonly type: "managed"; readonly by: LogicalId }
  /** The provider made it with the account or the network and nothing selected uses it. */
  | { readonly type: "default" }
  /** A weak part (a record) that points at a resource outside the environment. */
  | { readonly type: "target-outside"; readonly target: LogicalId }
  /** Neither selected nor needed by anything selected (other environments, strays). */
  | { readonly type: "not-selected" }
  /** The provider never offers it as a resource (service interfaces, a zone's SOA/NS). */
  | { readonly type: "ignored"; readonly why: string };

export interface IncludedEntry {
  readonly id: LogicalId;
  readonly kind: ResourceKind;
  readonly name: string;
  /** The first reason found first; the rest follow in the order the closure met them. */
  readonly why: readonly InclusionReason[];
}

export interface LeftOutEntry {
  readonly id: string;
  readonly kind: string;
  readonly name: string;
  readonly why: ExclusionReason;
}

/** What `lifeboat capture --explain` shows: what is in, why, and what was left out. */
export interface Explanation {
  readonly included: readonly IncludedEntry[];
  readonly leftOut: readonly LeftOutEntry[];
  readonly externals: readonly External[];
  /** Things a user should look at, e.g. a selection that matched nothing. */
  readonly warnings: readonly string[];
}
