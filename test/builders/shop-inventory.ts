import type { TargetFacts } from "../../src/plan/target-facts.js";
import { inventoryBuilder, type InventoryBuilder } from "./inventory-builder.js";

/**
 * The shop, as a model inventory: one network in two zones (public and private subnets), an
 * internet gateway, a NAT gateway with its address, the main and two more route tables, the
 * default group plus lb/web/db/bastion groups (web and bastion refer to each other), a bastion
 * with root volume, primary interface and address, the web tier (image, launch template,
 * scaling group, target group, load balancer, listener), a database and a public zone with an
 * alias record and a TXT record.
 */
export function shopInventory(): InventoryBuilder {
  const a = "us-east-1a";
  const b = "us-east-1b";
  return inventoryBuilder()
    .network("vpc-1", "10.0.0.0/16")
    .subnet("subnet-pub-a", "vpc-1", "10.0.0.0/24", a)
    .subnet("subnet-pub-b", "vpc-1", "10.0.1.0/24", b)
    .subnet("subnet-priv-a", "vpc-1", "10.0.10.0/24", a)
    .subnet("subnet-priv-b", "vpc-1", "10.0.11.0/24", b)
    .internetGateway("igw-1", "vpc-1")
    .address("eip-nat")
    .natGateway("nat-1", "subnet-pub-a", "eip-nat")
    .routeTable("rtb-main", "vpc-1", { main: true })
    .routeTable("rtb-pub", "vpc-1", {
      routes: { "0.0.0.0/0": "internet-gateway:igw-1" },
      subnets: ["subnet-pub-a", "subnet-pub-b"],
    })
    .routeTable("rtb-priv", "vpc-1", {
      routes: { "0.0.0.0/0": "nat-gateway:nat-1" },
      subnets: ["subnet-priv-a", "subnet-priv-b"],
    })
    .securityGroup("sg-default", "vpc-1", "default")
    .securityGroup("sg-lb", "vpc-1", "shop-lb", { 80: "0.0.0.0/0", 443: "0.0.0.0/0" })
    .securityGroup("sg-web", "vpc-1", "shop-web", { 8080: "sg-lb", 22: "sg-bastion" })
    .securityGroup("sg-db", "vpc-1", "shop-db", { 5432: "sg-web" })
    .securityGroup("sg-bastion", "vpc-1", "shop-bastion", { 22: "198.51.100.0/24", 9100: "sg-web" })
    .image("ami-shop", "shop-web-image")
    .machine("i-bastion", {
      subnet: "subnet-pub-a",
      zone: a,
      groups: ["sg-bastion"],
      image: "ami-shop",
      privateIp: "10.0.0.10",
      keyPair: "ops",
    })
    .external("key-pair:ops")
    .volume("vol-root", "i-bastion", a)
    .networkInterface("eni-bastion", "subnet-pub-a", a, { machine: "i-bastion", deviceIndex: 0 })
    .address("eip-bastion", "machine:i-bastion")
    .launchTemplate("lt-web", { image: "ami-shop", groups: ["sg-web"] })
    .targetGroup("tg-web", "vpc-1")
    .loadBalancer("alb-shop", ["subnet-pub-a", "subnet-pub-b"], ["sg-lb"])
    .listener("lst-http", "alb-shop", "tg-web")
    .scalingGroup("asg-web", {
      template: "lt-web",
      subnets: ["subnet-priv-a", "subnet-priv-b"],
      zones: [a, b],
      targetGroups: ["tg-web"],
    })
    .dbSubnetGroup("dbsg-shop", "vpc-1", ["subnet-priv-a", "subnet-priv-b"])
    .database("db-shop", "dbsg-shop", ["sg-db"])
    .dnsZone("Z1", "shop.example.com")
    .dnsRecord("rec-www", "Z1", "www.shop.example.com", { loadBalancer: "alb-shop" })
    .dnsRecord("rec-txt", "Z1", "shop.example.com", { values: ['"v=spf1 -all"'] });
}

/** Target facts for us-west-2 that satisfy the shop inventory; override fields to break them. */
export function westFacts(overrides: Partial<TargetFacts> = {}): TargetFacts {
  return {
    region: "us-west-2",
    zones: ["us-west-2a", "us-west-2b", "us-west-2c"],
    instanceTypes: {
      "us-west-2a": ["t3.micro", "t3.small"],
      "us-west-2b": ["t3.micro", "t3.small"],
      "us-west-2c": ["t3.micro"],
    },
    networks: [{ id: "vpc-default", cidrBlocks: ["172.31.0.0/16"] }],
    images: [],
    keyPairs: ["ops"],
    ...overrides,
  };
}
