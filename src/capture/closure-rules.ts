import type { ResourceKind } from "../model/inventory/index.js";

/**
 * Dependency closure, as documented data. A resource in the environment always pulls in what
 * it refers to (its dependencies: an instance its subnet, a subnet its network, a scaling group
 * its launch template, subnets, groups and target groups). Some resources are also pulled in by
 * what they refer to, because they are part of it and usually carry no tags of their own:
 */
export interface PartOfRule {
  /** The kind of the part. */
  readonly kind: ResourceKind;
  /** Which of the part's reference fields names its owner. */
  readonly path: RegExp;
  /** One line for `--explain`. */
  readonly why: string;
  /**
   * A weak part joins only if everything it refers to in the region is already in the
   * environment: a shared zone's record that points at another environment's load balancer
   * must not drag that environment in.
   */
  readonly weak?: boolean;
}

export const partOfRules: readonly PartOfRule[] = [
  { kind: "listener", path: /^loadBalancer$/, why: "listener of the load balancer" },
  { kind: "dns-record", path: /^zone$/, why: "record in the zone", weak: true },
  { kind: "route-table", path: /^associations\[\d+\]$/, why: "route table of the subnet" },
  { kind: "internet-gateway", path: /^networks\[\d+\]$/, why: "internet gateway of the network" },
  { kind: "volume", path: /^attachments\[\d+\]\.machine$/, why: "disk of the machine" },
  { kind: "network-interface", path: /^attachment\.machine$/, why: "interface of the machine" },
  { kind: "address", path: /^association$/, why: "address associated with it" },
];

/**
 * Reference fields that place a resource inside a network, for selection by network id: a
 * machine is in its subnet's network, a listener in its load balancer's, and so on.
 */
export const placementPath =
  /^(network|networks\[\d+\]|subnet|subnets\[\d+\]|subnetGroup|loadBalancer|attachment\.machine|attachments\[\d+\]\.machine|association)$/;

/**
 * A firewall rule may name a group of another network (peered VPCs, shared services). Such a
 * group is not part of this environment: following it would pull in another network and its
 * owners. Rule peers are therefore followed only within the rule's own network; a peer outside
 * it becomes an `outside-selection` external.
 */
export const sameNetworkOnlyPath = /^(ingress|egress)\[\d+\]\.peer$/;
