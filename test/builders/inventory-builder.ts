import {
  buildInventory,
  logicalId,
  ref,
  type External,
  type Inventory,
  type LogicalId,
  type PropertiesOf,
  type Resource,
  type ResourceKind,
} from "../../src/model/inventory/index.js";

interface Placement {
  readonly name?: string;
  readonly zone?: string;
  readonly tags?: Record<string, string>;
}

/**
 * A fluent builder of model inventories for planner tests (Velero's `pkg/builder` style): each
 * method adds one resource with sensible defaults and returns the builder; `build()` returns a
 * canonical inventory (references checked). For a real capture, see src/providers/aws/shop/shop-environment.ts.
 *
 * @example
 *   const inventory = inventoryBuilder().network("vpc-1", "10.0.0.0/16")
 *     .subnet("subnet-a", "vpc-1", "10.0.1.0/24", "us-east-1a").build();
 */
export function inventoryBuilder(region = "us-east-1"): InventoryBuilder {
  return new InventoryBuilder(region);
}

export class InventoryBuilder {
  private readonly resources: Resource[] = [];
  private readonly externals: External[] = [];

  constructor(private readonly region: string) {}

  /** Any resource: the escape hatch the typed helpers below are built on. */
  add<K extends ResourceKind>(
    kind: K,
    providerId: string,
    properties: PropertiesOf<K>,
    at: Placement = {},
  ): this {
    this.resources.push({
      id: logicalId(kind, providerId),
      kind,
      providerId,
      name: at.name ?? providerId,
      location:
        at.zone === undefined ? { region: this.region } : { region: this.region, zone: at.zone },
      tags: at.tags ?? { app: "shop" },
      properties,
    } as Resource);
    return this;
  }

  external(id: LogicalId, hints: Record<string, string> = {}): this {
    const [kind, providerId] = [id.slice(0, id.indexOf(":")), id.slice(id.indexOf(":") + 1)];
    this.externals.push({
      id,
      kind: kind as External["kind"],
      providerId,
      reason: kind === "image" ? "other-owner" : "not-captured-kind",
      hints,
    });
    return this;
  }

  network(id: string, cidr: string): this {
    return this.add("network", id, {
      cidrBlock: cidr,
      additionalCidrBlocks: [],
      ipv6CidrBlocks: [],
      instanceTenancy: "default",
      isDefault: false,
    });
  }

  subnet(
    id: string,
    network: string,
    cidr: string,
    zone: string,
    tags?: Record<string, string>,
  ): this {
    return this.add(
      "subnet",
      id,
      {
        network: ref("network", network),
        cidrBlock: cidr,
        ipv6CidrBlocks: [],
        mapPublicIpOnLaunch: false,
        assignIpv6AddressOnCreation: false,
        defaultForZone: false,
      },
      { zone, ...(tags ? { tags } : {}) },
    );
  }

  internetGateway(id: string, network: string): this {
    return this.add("internet-gateway", id, { networks: [ref("network", network)] });
  }

  address(id: string, association?: LogicalId): this {
    return this.add("address", id, {
      publicIp: "203.0.113.10",
      domain: "vpc",
      ...(association ? { association: { ref: association } } : {}),
    });
  }

  natGateway(id: string, subnet: string, address: string): this {
    return this.add("nat-gateway", id, {
      subnet: ref("subnet", subnet),
      connectivity: "public",
      addresses: [{ address: ref("address", address) }],
    });
  }

  /** `routes`: destination CIDR → target logical id. */
  routeTable(
    id: string,
    network: string,
    options: { main?: boolean; routes?: Record<string, LogicalId>; subnets?: string[] } = {},
  ): this {
    return this.add("route-table", id, {
      network: ref("network", network),
      main: options.main ?? false,
      routes: [
        { destination: "10.0.0.0/16", target: "local" as const },
        ...Object.entries(options.routes ?? {}).map(([destination, target]) => ({
          destination,
          target: { ref: target },
        })),
      ],
      associations: (options.subnets ?? []).map((s) => ref("subnet", s)),
    });
  }

  /** `ingress`: port → peer (a CIDR, or a group's provider id starting with `sg-`). */
  securityGroup(
    id: string,
    network: string,
    groupName: string,
    ingress: Record<number, string> = {},
  ): this {
    return this.add("security-group", id, {
      network: ref("network", network),
      groupName,
      description: groupName,
      ingress: Object.entries(ingress).map(([port, peer]) => ({
        protocol: "tcp",
        fromPort: Number(port),
        toPort: Number(port),
        peer: peer.startsWith("sg-") ? ref("security-group", peer) : peer,
      })),
      egress: [{ protocol: "-1", peer: "0.0.0.0/0" }],
    });
  }

  image(id: string, name = `${id}-name`): this {
    return this.add("image", id, {
      imageName: name,
      owner: "123456789012",
      public: false,
      blockDevices: [],
    });
  }

  machine(
    id: string,
    options: {
      subnet: string;
      zone: string;
      groups: string[];
      image: string;
      type?: string;
      privateIp?: string;
      keyPair?: string;
    },
  ): this {
    return this.add(
      "machine",
      id,
      {
        instanceType: options.type ?? "t3.micro",
        image: ref("image", options.image),
        subnet: ref("subnet", options.subnet),
        groups: options.groups.map((g) => ref("security-group", g)),
        privateIps: [options.privateIp ?? "10.0.1.10"],
        ...(options.keyPair ? { keyPair: ref("key-pair", options.keyPair) } : {}),
        rootDevice: "/dev/xvda",
        blockDevices: [{ device: "/dev/xvda", deleteOnTermination: true }],
        ebsOptimized: false,
        monitoring: false,
      },
      { zone: options.zone },
    );
  }

  volume(id: string, machine: string, zone: string, device = "/dev/xvda"): this {
    return this.add(
      "volume",
      id,
      {
        size: 8,
        volumeType: "gp3",
        encrypted: false,
        multiAttach: false,
        attachments: [{ machine: ref("machine", machine), device, deleteOnTermination: true }],
      },
      { zone },
    );
  }

  networkInterface(
    id: string,
    subnet: string,
    zone: string,
    attachedTo?: { machine: string; deviceIndex: number },
  ): this {
    return this.add(
      "network-interface",
      id,
      {
        subnet: ref("subnet", subnet),
        groups: [],
        description: "",
        interfaceType: "interface",
        sourceDestCheck: true,
        privateIps: [{ address: "10.0.1.10", primary: true }],
        ...(attachedTo
          ? {
              attachment: {
                machine: ref("machine", attachedTo.machine),
                deviceIndex: attachedTo.deviceIndex,
                deleteOnTermination: true,
              },
            }
          : {}),
      },
      { zone },
    );
  }

  launchTemplate(id: string, options: { image: string; groups: string[]; type?: string }): this {
    return this.add("launch-template", id, {
      templateName: id,
      defaultVersion: 1,
      latestVersion: 1,
      versions: [
        {
          number: 1,
          data: {
            instanceType: options.type ?? "t3.micro",
            image: ref("image", options.image),
            groups: options.groups.map((g) => ref("security-group", g)),
            blockDevices: [],
            networkInterfaces: [],
            tagSpecifications: [],
          },
        },
      ],
    });
  }

  targetGroup(id: string, network: string, targets: string[] = []): this {
    return this.add("target-group", id, {
      network: ref("network", network),
      targetType: "instance",
      protocol: "HTTP",
      port: 8080,
      healthCheck: {},
      targets: targets.map((m) => ({ target: ref("machine", m), port: 8080 })),
    });
  }

  loadBalancer(id: string, subnets: string[], groups: string[]): this {
    return this.add("load-balancer", id, {
      type: "application",
      scheme: "internet-facing",
      ipAddressType: "ipv4",
      subnets: subnets.map((s) => ref("subnet", s)),
      groups: groups.map((g) => ref("security-group", g)),
      attributes: {},
    });
  }

  listener(id: string, loadBalancer: string, targetGroup: string): this {
    return this.add("listener", id, {
      loadBalancer: ref("load-balancer", loadBalancer),
      port: 80,
      protocol: "HTTP",
      certificates: [],
      defaultActions: [
        {
          type: "forward",
          forward: [{ targetGroup: ref("target-group", targetGroup), weight: 1 }],
        },
      ],
      rules: [],
    });
  }

  scalingGroup(
    id: string,
    options: {
      template: string;
      subnets: string[];
      zones: string[];
      targetGroups: string[];
      desired?: number;
    },
  ): this {
    return this.add("scaling-group", id, {
      minSize: 1,
      maxSize: 4,
      desiredCapacity: options.desired ?? 2,
      launchTemplate: { template: ref("launch-template", options.template), version: "$Latest" },
      subnets: options.subnets.map((s) => ref("subnet", s)),
      zones: options.zones,
      targetGroups: options.targetGroups.map((t) => ref("target-group", t)),
      healthCheck: { type: "ELB", gracePeriod: 60 },
      defaultCooldown: 300,
      terminationPolicies: ["Default"],
      capacityRebalance: false,
      newInstancesProtectedFromScaleIn: false,
      propagatedTags: [],
    });
  }

  dbSubnetGroup(id: string, network: string, subnets: string[]): this {
    return this.add("db-subnet-group", id, {
      groupName: id,
      description: id,
      network: ref("network", network),
      subnets: subnets.map((s) => ref("subnet", s)),
    });
  }

  database(id: string, subnetGroup: string, groups: string[]): this {
    return this.add("database", id, {
      engine: "postgres",
      engineVersion: "16.3",
      instanceClass: "db.t3.micro",
      allocatedStorage: 20,
      storageEncrypted: false,
      multiAz: false,
      subnetGroup: ref("db-subnet-group", subnetGroup),
      groups: groups.map((g) => ref("security-group", g)),
      parameterGroups: [],
      parameters: {},
      optionGroups: [],
      backupRetentionPeriod: 1,
      publiclyAccessible: false,
      deletionProtection: false,
      iamAuthentication: false,
      autoMinorVersionUpgrade: true,
      copyTagsToSnapshot: false,
    });
  }

  dnsZone(id: string, zoneName: string, privateTo?: string): this {
    return this.add("dns-zone", id, {
      zoneName,
      private: privateTo !== undefined,
      networks: privateTo === undefined ? [] : [ref("network", privateTo)],
    });
  }

  /** An alias record to a load balancer, or a record with literal values. */
  dnsRecord(
    id: string,
    zone: string,
    name: string,
    target: { loadBalancer: string } | { values: string[] },
  ): this {
    return this.add("dns-record", id, {
      zone: ref("dns-zone", zone),
      recordName: name,
      type: "loadBalancer" in target ? "A" : "TXT",
      ...("values" in target ? { ttl: 300 } : {}),
      values: "values" in target ? target.values : [],
      ...("loadBalancer" in target
        ? {
            alias: {
              target: ref("load-balancer", target.loadBalancer),
              evaluateTargetHealth: true,
            },
          }
        : {}),
    });
  }

  build(): Inventory {
    return buildInventory({
      provider: "aws",
      account: "123456789012",
      region: this.region,
      selection: { tags: { app: "shop" } },
      resources: this.resources,
      externals: this.externals,
    });
  }
}
