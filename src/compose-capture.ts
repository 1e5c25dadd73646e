/**
 * The capture engine wired to an environment's services: one capture (`lifeboat capture`) and
 * the loop `serve` runs (docs/capture.md).
 */
import {
  captureVersion,
  type CaptureVersionDeps,
  type VersionCapture,
} from "./capture/capture-versions.js";
import { runCaptureLoop, type CaptureLoopSummary } from "./capture/capture-loop.js";
import { parseDuration } from "./model/duration.js";
import { BugError, type LifeboatError } from "./model/errors.js";
import type { EnvironmentServices } from "./compose-environment.js";

/**
 * The capture engine's dependencies. The repository is opened before any provider call, so a
 * wrong password or a missing repository fails before the cloud is asked anything.
 */
export async function captureDeps(services: EnvironmentServices): Promise<CaptureVersionDeps> {
  const archive = await services.archive();
  return { archive, index: services.index, provider: services.provider(), clock: services.clock };
}

/** One capture of the environment, stored as a version (`lifeboat capture`). */
export async function captureNow(
  services: EnvironmentServices,
  signal?: AbortSignal,
): Promise<VersionCapture> {
  const deps = await captureDeps(services);
  return captureVersion(
    deps,
    { environment: services.name, selection: services.selection },
    signal === undefined ? {} : { signal },
  );
}

/**
 * The capture loop `serve` runs for one environment: every `capture.every` of its config until
 * `signal` aborts. Failures go to `onError` and the loop goes on.
 */
export function captureLoop(
  services: EnvironmentServices,
  signal: AbortSignal,
  handlers: {
    readonly onCapture?: (capture: VersionCapture) => void;
    readonly onError?: (error: LifeboatError) => void;
  } = {},
): Promise<CaptureLoopSummary> {
  const everyMs = parseDuration(services.environment.capture.every);
  if (everyMs === undefined) throw new BugError("a validated config has a malformed duration");
  return runCaptureLoop({
    everyMs,
    clock: services.clock,
    signal,
    capture: (s) => captureNow(services, s),
    ...(handlers.onCapture ? { onCapture: handlers.onCapture } : {}),
    ...(handlers.onError ? { onError: handlers.onError } : {}),
  });
}
