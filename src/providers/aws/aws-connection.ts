import { AsyncLocalStorage } from "node:async_hooks";
import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { EBSClient } from "@aws-sdk/client-ebs";
import { EC2Client } from "@aws-sdk/client-ec2";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { RDSClient } from "@aws-sdk/client-rds";
import { Route53Client } from "@aws-sdk/client-route-53";
import { STSClient } from "@aws-sdk/client-sts";
import type { MiddlewareStack } from "@smithy/types";
import type { ApiCallStats } from "../provider.js";
import { Semaphore } from "./semaphore.js";

/** How to reach one AWS account in one region (a `providers.<name>` entry of the config). */
export interface AwsConnectionOptions {
  readonly region: string;
  /** A custom endpoint for every service: an emulator such as moto, or an AWS-compatible cloud. */
  readonly endpoint?: string;
  /** A shared-config profile for the SDK's default chain (like AWS_PROFILE, per connection). */
  readonly profile?: string;
  /** Static credentials; without them the SDK's default chain (env, profile, role) is used. */
  readonly credentials?: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  };
  /**
   * Attempts per request, retries included (default 5, adaptive back-off). Set 1 against moto,
   * which answers unimplemented operations with HTTP 500 that the SDK would otherwise retry.
   */
  readonly maxAttempts?: number;
  /** Requests in flight at once over this connection (default 8). */
  readonly maxConcurrency?: number;
  /**
   * Items per page of list calls, clamped to each API's allowed range; default: each service's
   * own default page. Small pages cost more calls; tests use them to walk every paginator.
   */
  readonly pageSize?: number;
}

export interface AwsClients {
  readonly ec2: EC2Client;
  /** EBS direct APIs (block-level snapshot reads and writes: hydration). */
  readonly ebs: EBSClient;
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly autoscaling: AutoScalingClient;
  readonly rds: RDSClient;
  readonly route53: Route53Client;
  readonly sts: STSClient;
}

/** SDK clients for one connection, sharing one request limit and one call counter. */
export class AwsConnection {
  readonly clients: AwsClients;
  readonly #limit: Semaphore;
  #calls = 0;
  #attempts = 0;
  readonly #byOperation = new Map<string, number>();
  /** The abort signal of the discovery (or other job) a request belongs to. */
  readonly #scope = new AsyncLocalStorage<AbortSignal>();

  constructor(readonly options: AwsConnectionOptions) {
    this.#limit = new Semaphore(options.maxConcurrency ?? 8);
    const maxAttempts = options.maxAttempts ?? 5;
    const config = {
      region: options.region,
      maxAttempts,
      // Adaptive adds client-side rate limiting on top of back-off when AWS throttles.
      retryMode: maxAttempts > 1 ? "adaptive" : "standard",
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
      ...(options.profile === undefined ? {} : { profile: options.profile }),
    };
    this.clients = {
      ec2: this.#instrument(new EC2Client(config)),
      ebs: this.#instrument(new EBSClient(config)),
      elbv2: this.#instrument(new ElasticLoadBalancingV2Client(config)),
      autoscaling: this.#instrument(new AutoScalingClient(config)),
      rds: this.#instrument(new RDSClient(config)),
      // Route53 is global; the region only decides the signing scope.
      route53: this.#instrument(new Route53Client(config)),
      sts: this.#instrument(new STSClient(config)),
    };
  }

  stats(): ApiCallStats {
    return {
      calls: this.#calls,
      attempts: this.#attempts,
      byOperation: Object.fromEntries([...this.#byOperation.entries()].sort()),
    };
  }

  /**
   * Runs `job` so that every request it starts is refused once `signal` aborts, also requests
   * already queued for a slot: one failure or a cancel stops a discovery's fan-out at once.
   */
  scoped<T>(signal: AbortSignal, job: () => Promise<T>): Promise<T> {
    return this.#scope.run(signal, job);
  }

  destroy(): void {
    for (const client of Object.values(this.clients)) client.destroy();
  }

  #instrument<C extends InstrumentableClient>(client: C): C {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const signal = this.#scope.getStore();
        const refuseIfAborted = () => {
          if (signal?.aborted) {
            throw Object.assign(new Error("request not sent: the job was aborted"), {
              name: "AbortError",
            });
          }
        };
        refuseIfAborted();
        const operation = operationName(context.clientName, context.commandName);
        this.#calls += 1;
        this.#byOperation.set(operation, (this.#byOperation.get(operation) ?? 0) + 1);
        return this.#limit.run(async () => {
          refuseIfAborted();
          return next(args);
        });
      },
      { step: "initialize", name: "lifeboatLimitAndCount" },
    );
    // The deserialize step runs once per HTTP attempt, inside the retry loop.
    client.middlewareStack.add(
      (next) => async (args) => {
        this.#attempts += 1;
        return next(args);
      },
      { step: "deserialize", name: "lifeboatCountAttempts" },
    );
    // Once more right before the HTTP handler, after serialising and signing (which await):
    // a process paused in between (its job's signal aborted meanwhile, e.g. a step executor
    // whose lease lapsed) must not send what it prepared before the pause.
    client.middlewareStack.add(
      (next) => async (args) => {
        if (this.#scope.getStore()?.aborted) {
          throw Object.assign(new Error("request not sent: the job was aborted"), {
            name: "AbortError",
          });
        }
        return next(args);
      },
      { step: "deserialize", name: "lifeboatRefuseIfAborted", priority: "low" },
    );
    return client;
  }
}

// Every client's stack has its own input/output unions; the middleware here is agnostic of both.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type InstrumentableClient = { middlewareStack: MiddlewareStack<any, any> };

const services: Record<string, string> = {
  EC2Client: "ec2",
  EBSClient: "ebs",
  ElasticLoadBalancingV2Client: "elbv2",
  AutoScalingClient: "autoscaling",
  RDSClient: "rds",
  Route53Client: "route53",
  STSClient: "sts",
};

/** `ec2.DescribeVpcs`: the service and the API operation, as AWS documents them. */
function operationName(client: string | undefined, command: string | undefined): string {
  const service = services[client ?? ""] ?? client ?? "aws";
  return `${service}.${(command ?? "?").replace(/Command$/, "")}`;
}
