import { Agent } from "node:http";
import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { EBSClient } from "@aws-sdk/client-ebs";
import { EC2Client } from "@aws-sdk/client-ec2";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { RDSClient } from "@aws-sdk/client-rds";
import { Route53Client } from "@aws-sdk/client-route-53";
import { S3Client } from "@aws-sdk/client-s3";
import { STSClient } from "@aws-sdk/client-sts";
import { motoClientConfig, motoS3Config, type MotoServer } from "../moto/moto-server.js";

/** Every SDK client the tests need, all bound to one region of one moto server. */
export interface RegionClients {
  readonly region: string;
  readonly ec2: EC2Client;
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly autoscaling: AutoScalingClient;
  readonly rds: RDSClient;
  /** Route53 is global in AWS and in moto; the region only decides the signing scope. */
  readonly route53: Route53Client;
  readonly s3: S3Client;
  readonly ebs: EBSClient;
  readonly sts: STSClient;
}

/**
 * Clients per region for one moto server. `region()` returns the same clients on every call.
 * All clients share one HTTP agent, so at most `maxConcurrency` requests reach moto at once.
 */
export interface AwsClients {
  readonly endpoint: string;
  region(region: string): RegionClients;
  /** Releases the sockets of every client made so far. */
  destroy(): void;
}

export interface AwsClientsOptions {
  /**
   * moto is one GIL-bound process that is not concurrency-safe and does not get faster past two
   * or three requests in flight, so callers may fire Promise.all freely and queue here instead.
   */
  readonly maxConcurrency?: number;
}

export function awsClients(
  moto: Pick<MotoServer, "endpoint">,
  options: AwsClientsOptions = {},
): AwsClients {
  const cache = new Map<string, RegionClients>();
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxConcurrency ?? 4 });
  // Queueing behind the agent is intended; the SDK would otherwise warn after 3 s in the queue.
  const requestHandler = { httpAgent: agent, socketAcquisitionWarningTimeout: 60_000 };
  const build = (region: string): RegionClients => {
    const config = { ...motoClientConfig(moto, region), requestHandler };
    return {
      region,
      ec2: new EC2Client(config),
      elbv2: new ElasticLoadBalancingV2Client(config),
      autoscaling: new AutoScalingClient(config),
      rds: new RDSClient(config),
      route53: new Route53Client(config),
      s3: new S3Client({ ...motoS3Config(moto, region), requestHandler }),
      ebs: new EBSClient(config),
      sts: new STSClient(config),
    };
  };
  return {
    endpoint: moto.endpoint,
    region(region) {
      let clients = cache.get(region);
      if (!clients) {
        clients = build(region);
        cache.set(region, clients);
      }
      return clients;
    },
    destroy() {
      for (const clients of cache.values()) {
        const { ec2, elbv2, autoscaling, rds, route53, s3, ebs, sts } = clients;
        for (const client of [ec2, elbv2, autoscaling, rds, route53, s3, ebs, sts])
          client.destroy();
      }
      cache.clear();
      agent.destroy();
    },
  };
}
