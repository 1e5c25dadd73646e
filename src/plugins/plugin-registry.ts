import { LifeboatError } from "../model/errors.js";
import type { WorkflowTarget } from "../model/workflow-target.js";
import type { AnyPlugin } from "./plugin-api.js";
import { checkPlugin } from "./check-plugin.js";

/**
 * The explicit registry of plug-ins: built-ins and external ones register through the same
 * `register`, and a name registered twice is `LB_PLUGIN_DUPLICATE` (never a silent override).
 */
export class PluginRegistry {
  readonly #byName = new Map<string, AnyPlugin>();

  /** Adds `plugin` after checking its shape and API version (`LB_PLUGIN_*` on problems). */
  register(plugin: unknown, origin = "built-in"): AnyPlugin {
    const checked = checkPlugin(plugin, origin);
    const existing = this.#byName.get(checked.name);
    if (existing) {
      throw new LifeboatError(
        "LB_PLUGIN_DUPLICATE",
        `plug-in ${checked.name} is registered twice`,
        {
          details: { plugin: checked.name, origin },
        },
      );
    }
    this.#byName.set(checked.name, checked);
    return checked;
  }

  get(name: string): AnyPlugin | undefined {
    return this.#byName.get(name);
  }

  /** Every plug-in, in registration order. */
  list(): AnyPlugin[] {
    return [...this.#byName.values()];
  }

  /**
   * The plug-ins that can perform `action`: the one named `action`, or else every plug-in whose
   * `action` it is, in registration order (built-ins first).
   */
  candidates(action: string): AnyPlugin[] {
    const named = this.#byName.get(action);
    if (named) return [named];
    return this.list().filter((plugin) => plugin.action === action);
  }

  /** The first candidate that applies to every one of `targets`, if any. */
  resolve(action: string, targets: readonly WorkflowTarget[]): AnyPlugin | undefined {
    return this.candidates(action).find((plugin) =>
      targets.every((target) => plugin.appliesTo(target)),
    );
  }
}
