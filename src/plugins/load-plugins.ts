import { createRequire } from "node:module";
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { LifeboatError } from "../model/errors.js";
import type { PluginReference } from "../model/workflow.js";
import type { PluginRegistry } from "./plugin-registry.js";

/**
 * Loads the external plug-ins the config names into `registry`, in config order. A file path is
 * resolved against `baseDir` (the config file's folder); a module name is resolved the way
 * Node.js would from there. The module's default export is one plug-in or an array of them;
 * a named export `plugins` (array) works too. Every plug-in is checked as it registers.
 */
export async function loadPlugins(
  registry: PluginRegistry,
  references: readonly PluginReference[],
  baseDir: string,
): Promise<void> {
  for (const reference of references) {
    const origin = "path" in reference ? reference.path : reference.module;
    const exported = await importPlugin(reference, baseDir, origin);
    const plugins = Array.isArray(exported) ? (exported as unknown[]) : [exported];
    for (const plugin of plugins) registry.register(plugin, origin);
  }
}

async function importPlugin(
  reference: PluginReference,
  baseDir: string,
  origin: string,
): Promise<unknown> {
  let module: { default?: unknown; plugins?: unknown };
  try {
    const specifier =
      "path" in reference
        ? pathToFileURL(
            isAbsolute(reference.path) ? reference.path : resolve(baseDir, reference.path),
          ).href
        : pathToFileURL(createRequire(resolve(baseDir, "lifeboat.yaml")).resolve(reference.module))
            .href;
    module = (await import(specifier)) as typeof module;
  } catch (error) {
    throw new LifeboatError(
      "LB_PLUGIN_LOAD_FAILED",
      `cannot load plug-in ${origin}: ${String(error)}`,
      {
        cause: error,
        details: { origin },
      },
    );
  }
  const exported = module.default ?? module.plugins;
  if (exported === undefined) {
    throw new LifeboatError("LB_PLUGIN_INVALID", `${origin} has no default export`, {
      details: { origin },
    });
  }
  return exported;
}
