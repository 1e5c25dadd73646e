import type { AnyPlugin } from "../plugin-api.js";
import { execPlugin } from "./exec.js";
import { fsfreezePlugin } from "./fsfreeze.js";
import { fsthawPlugin } from "./fsthaw.js";
import { httpPlugin } from "./http.js";
import { pgQuiescePlugin } from "./pg-quiesce.js";
import { pgUnquiescePlugin } from "./pg-unquiesce.js";
import { waitHealthyPlugin } from "./wait-healthy.js";

/**
 * The built-in plug-ins that need nothing but the Lifeboat host. Built-ins that need adapters
 * (the state store, the repository, a cloud, the inventory: `snapshot`, `approval`, `ssh`,
 * `aws-ssm-run`) are made by factories that composition.ts calls.
 */
export const standaloneBuiltins: readonly AnyPlugin[] = [
  execPlugin,
  httpPlugin,
  pgQuiescePlugin,
  pgUnquiescePlugin,
  fsfreezePlugin,
  fsthawPlugin,
  waitHealthyPlugin,
];
