import type { AwsClients } from "./aws-clients.js";
import {
  createBastion,
  createLaunchTemplate,
  createWebGroup,
  registerShopImage,
} from "./compute.js";
import { buildDatabase } from "./database.js";
import { addRecords, createHostedZone } from "./dns.js";
import { buildLoadBalancer } from "./load-balancer.js";
import { buildNetwork, createVpc } from "./network.js";
import { buildSecurityGroups } from "./security.js";
import { resolveShopOptions, type ShopSettings } from "./shop-options.js";
import { listShopResources } from "./shop-resources.js";
import type { ShopEnvironment, ShopOptions } from "./shop-types.js";

/**
 * A fluent, immutable builder for a realistic web shop in moto: every `with…` returns a new
 * builder, so a test can keep a base and derive variants. `build()` creates the resources
 * through the AWS SDK, independent ones in parallel (the clients cap requests in flight), and
 * returns what it made.
 *
 * @example
 *   const shop = await shopEnvironment(clients).inRegion("us-east-1").named("shop")
 *     .withWebInstances(2).build();
 */
export function shopEnvironment(clients: AwsClients): ShopEnvironmentBuilder {
  return new ShopEnvironmentBuilder(clients, {});
}

export class ShopEnvironmentBuilder {
  constructor(
    private readonly clients: AwsClients,
    private readonly settings: ShopSettings,
  ) {}

  inRegion(region: string) {
    return this.with({ region });
  }
  /** Lowercase letters, digits and hyphens, starting with a letter, at most 20 characters. */
  named(name: string) {
    return this.with({ name });
  }
  withVpcCidr(vpcCidr: string) {
    return this.with({ vpcCidr });
  }
  inZones(first: string, second: string) {
    return this.with({ zones: [first, second] });
  }
  withWebInstances(webInstances: number) {
    return this.with({ webInstances });
  }
  withInstanceType(instanceType: string) {
    return this.with({ instanceType });
  }
  withDomain(domain: string) {
    return this.with({ domain });
  }
  withExtraSecurityGroups(extraSecurityGroups: number) {
    return this.with({ extraSecurityGroups });
  }
  withExtraRecords(extraRecords: number) {
    return this.with({ extraRecords });
  }
  /** Adds filler security groups and records until the shop has at least `count` resources. */
  withAtLeastResources(count: number) {
    return this.with({ resourceTarget: count });
  }

  /** The options `build()` will use, defaults filled in and validated. */
  options(): ShopOptions {
    return resolveShopOptions(this.settings);
  }

  async build(): Promise<ShopEnvironment> {
    const options = this.options();
    const { ec2, elbv2, autoscaling, rds, route53 } = this.clients.region(options.region);
    const vpc = createVpc(ec2, options);
    const image = registerShopImage(ec2, options);
    const zone = createHostedZone(route53, options);
    const network = vpc.then((vpcId) => buildNetwork(ec2, options, vpcId));
    const security = vpc.then((vpcId) => buildSecurityGroups(ec2, options, vpcId));
    const netSec = Promise.all([network, security]);
    const loadBalancer = netSec.then(([n, s]) => buildLoadBalancer(elbv2, options, n, s));
    const database = netSec.then(([n, s]) => buildDatabase(rds, options, n, s));
    const template = Promise.all([image, security]).then(([i, s]) =>
      createLaunchTemplate(ec2, options, i.imageId, s),
    );
    const web = Promise.all([template, network, loadBalancer]).then(([t, n, lb]) =>
      createWebGroup(autoscaling, options, t.launchTemplateId, n, lb.targetGroupArn),
    );
    const bastion = Promise.all([image, netSec]).then(([i, [n, s]]) =>
      createBastion(ec2, options, i.imageId, n, s),
    );
    const dns = Promise.all([zone, loadBalancer, database]).then(([z, lb, db]) =>
      addRecords(route53, options, z, lb, db),
    );
    const [net, sec, img, lb, tpl, webGroup, jump, db, records] = await Promise.all([
      network,
      security,
      image,
      loadBalancer,
      template,
      web,
      bastion,
      database,
      dns,
    ]);
    const shop = {
      options,
      name: options.name,
      region: options.region,
      tags: { app: options.name },
      network: net,
      security: sec,
      loadBalancer: lb,
      compute: { ...img, ...tpl, ...webGroup, ...jump },
      database: db,
      dns: records,
    };
    const resources = listShopResources(shop);
    return { ...shop, resources, resourceCount: resources.length };
  }

  private with(change: ShopSettings): ShopEnvironmentBuilder {
    return new ShopEnvironmentBuilder(this.clients, { ...this.settings, ...change });
  }
}
