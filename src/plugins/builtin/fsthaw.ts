import { definePlugin, PLUGIN_API_VERSION } from "../plugin-api.js";
import {
  freezeParams,
  isFreezable,
  thawAll,
  type FreezeParams,
  type MountedVolume,
} from "./fsfreeze.js";

/**
 * `fsthaw`: thaws the file systems at the targets' mount points (`fsfreeze -u`), last first.
 * Idempotent: a file system that is not frozen counts as thawed (`how: "not-frozen"`), so it is
 * safe as the undo half of an `fsfreeze` pair, which the runner runs even after a failure, a
 * cancel or (on resume) a crash.
 */
export const fsthawPlugin = definePlugin<FreezeParams, MountedVolume>({
  name: "lifeboat.action.fsthaw",
  apiVersion: PLUGIN_API_VERSION,
  action: "fsthaw",
  description: "Thaw file systems frozen by fsfreeze (fsfreeze -u)",
  configSchema: freezeParams,
  appliesTo: isFreezable,
  async execute(ctx) {
    const thawed = await thawAll(ctx, ctx.signal);
    await ctx.journal("thawed", { thawed });
    return { thawed };
  },
});
