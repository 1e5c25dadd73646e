/**
 * A pass-through HTTP proxy in front of moto: it forwards every request unchanged, records the
 * AWS operation of each, and can hold back the answer to one chosen request. The held request
 * has reached moto (the cloud action happened) but its caller never hears back until
 * `release()`: fault tests stop or kill a process at exactly that point ("the action was issued,
 * its result not journaled") instead of sleeping and hoping.
 */
import { request as httpRequest, createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/** One request as the proxy saw it. */
export interface ProxiedRequest {
  /** 1, 2, 3… in arrival order. */
  readonly seq: number;
  /** `RunInstances`, `ChangeResourceRecordSets`, … (`<METHOD> <path>` when unknown). */
  readonly operation: string;
  readonly body: string;
}

export interface MotoProxy {
  /** Put this in the config's `providers.<name>.endpoint`. */
  readonly endpoint: string;
  /** Every request forwarded so far, oldest first. */
  readonly requests: readonly ProxiedRequest[];
  /**
   * Holds the answer to the next request `match` accepts (once). Resolves with that request
   * after moto answered it; the caller waits until `release()`.
   */
  hold(match: (r: ProxiedRequest) => boolean): Promise<ProxiedRequest>;
  /** Sends the held answer (a no-op if the caller is gone). */
  release(): void;
  close(): Promise<void>;
}

/** The AWS operation of a request: query protocol `Action=`, JSON `x-amz-target`, Route53 REST. */
function operationOf(req: IncomingMessage, body: string): string {
  const target = req.headers["x-amz-target"];
  if (typeof target === "string") return target.slice(target.lastIndexOf(".") + 1);
  const action =
    /(?:^|&)Action=([A-Za-z0-9]+)/.exec(body) ?? /[?&]Action=([A-Za-z0-9]+)/.exec(req.url ?? "");
  if (action?.[1]) return action[1];
  if (/\/hostedzone\/[^/]+\/rrset\/?$/.test(req.url?.split("?")[0] ?? "")) {
    return req.method === "POST" ? "ChangeResourceRecordSets" : "ListResourceRecordSets";
  }
  return `${req.method ?? "?"} ${req.url ?? "?"}`;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

/** Starts the proxy on a free port of 127.0.0.1, forwarding to `upstream` (moto's endpoint). */
export async function motoProxy(upstream: string): Promise<MotoProxy> {
  const to = new URL(upstream);
  const requests: ProxiedRequest[] = [];
  let want: { match: (r: ProxiedRequest) => boolean; found: (r: ProxiedRequest) => void } | null =
    null;
  let held: (() => void) | null = null;
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readAll(req);
      const seen: ProxiedRequest = {
        seq: requests.length + 1,
        operation: operationOf(req, body.toString("utf8")),
        body: body.toString("utf8"),
      };
      requests.push(seen);
      const answer = await new Promise<{
        status: number;
        headers: IncomingMessage["headers"];
        body: Buffer;
      }>((resolve, reject) => {
        const forward = httpRequest(
          {
            host: to.hostname,
            port: to.port,
            method: req.method,
            path: req.url,
            headers: req.headers,
          },
          (upstreamRes) => {
            void readAll(upstreamRes).then(
              (data) =>
                resolve({
                  status: upstreamRes.statusCode ?? 502,
                  headers: upstreamRes.headers,
                  body: data,
                }),
              reject,
            );
          },
        );
        forward.on("error", reject);
        forward.end(body);
      });
      const headers = { ...answer.headers };
      delete headers["transfer-encoding"];
      headers["content-length"] = String(answer.body.length);
      const send = () => {
        if (!res.destroyed) res.writeHead(answer.status, headers).end(answer.body);
      };
      if (want && want.match(seen)) {
        const found = want.found;
        want = null;
        held = send;
        found(seen);
        return;
      }
      send();
    })().catch(() => {
      if (!res.headersSent && !res.destroyed) res.writeHead(502).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    hold: (match) =>
      new Promise<ProxiedRequest>((found) => {
        want = { match, found };
      }),
    release: () => {
      held?.();
      held = null;
    },
    close: async () => {
      held = null;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
