import { ref } from "./logical-id.js";
import type { Resource, ResourceOf } from "./resource.js";

/** Small hand-made resources for the model's unit tests (model data, not a cloud API). */
export function sampleNetwork(): ResourceOf<"network"> {
  return {
    id: "network:vpc-1",
    kind: "network",
    providerId: "vpc-1",
    name: "shop",
    location: { region: "us-east-1" },
    tags: { app: "shop" },
    properties: {
      cidrBlock: "10.0.0.0/16",
      additionalCidrBlocks: [],
      ipv6CidrBlocks: [],
      instanceTenancy: "default",
      isDefault: false,
    },
  };
}

export function sampleGroup(ingressPorts: number[] = [443]): ResourceOf<"security-group"> {
  return {
    id: "security-group:sg-1",
    kind: "security-group",
    providerId: "sg-1",
    name: "web",
    location: { region: "us-east-1" },
    tags: { app: "shop" },
    properties: {
      network: ref("network", "vpc-1"),
      groupName: "web",
      description: "web tier",
      ingress: ingressPorts.map((port) => ({
        protocol: "tcp",
        fromPort: port,
        toPort: port,
        peer: "0.0.0.0/0",
      })),
      egress: [{ protocol: "-1", peer: ref("security-group", "sg-2") }],
    },
  };
}

export function sampleResources(): Resource[] {
  return [sampleGroup(), sampleNetwork()];
}
