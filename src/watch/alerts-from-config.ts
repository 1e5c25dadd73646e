import type { Clock } from "../model/clock.js";
import { LifeboatError } from "../model/errors.js";
import type { Logger } from "../model/logger.js";
import type { Secret } from "../model/secret.js";
import { WebhookAlerter } from "./webhook-alerter.js";

/** `alerts:` of the config (top level or per environment; src/model/config.ts). */
export interface AlertsInput {
  readonly webhooks: readonly {
    readonly url: string;
    readonly secretEnv?: string | undefined;
    readonly headers?: Readonly<Record<string, string>> | undefined;
  }[];
}

export interface AlertSources {
  readonly clock: Clock;
  readonly logger: Logger;
  /** The value of an environment variable, as a secret; undefined when it is not set. */
  readonly secret: (variable: string) => Secret | undefined;
}

/**
 * The alert channels of one environment: its own `alerts.webhooks`, then the top-level ones.
 * A URL listed in both is sent to once (the environment's entry wins), so a receiver never
 * gets every decision twice. A `secretEnv` that is not set → `LB_SECRET_MISSING`, before any
 * alerter is made: a watcher must not start sending unsigned bodies to a receiver that checks.
 */
export function alertersFromConfig(
  environment: string,
  alerts: {
    readonly environment?: AlertsInput | undefined;
    readonly top?: AlertsInput | undefined;
  },
  sources: AlertSources,
): WebhookAlerter[] {
  const listed = [
    ...(alerts.environment?.webhooks ?? []).map((hook, i) => ({
      hook,
      at: `environments.${environment}.alerts.webhooks.${i}`,
    })),
    ...(alerts.top?.webhooks ?? []).map((hook, i) => ({ hook, at: `alerts.webhooks.${i}` })),
  ];
  const seen = new Set<string>();
  const options = [];
  for (const { hook, at } of listed) {
    if (seen.has(hook.url)) continue;
    seen.add(hook.url);
    const secret = hook.secretEnv === undefined ? undefined : sources.secret(hook.secretEnv);
    if (hook.secretEnv !== undefined && secret === undefined) {
      throw new LifeboatError(
        "LB_SECRET_MISSING",
        `${at}.secretEnv: environment variable ${hook.secretEnv} is not set`,
        { details: { path: `${at}.secretEnv` } },
      );
    }
    options.push({
      url: hook.url,
      ...(secret === undefined ? {} : { secret }),
      ...(hook.headers === undefined ? {} : { headers: hook.headers }),
      clock: sources.clock,
      logger: sources.logger,
    });
  }
  return options.map((o) => new WebhookAlerter(o));
}
