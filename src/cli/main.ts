#!/usr/bin/env node
import { processIo } from "./output.js";
import { runCli } from "./program.js";

// The AWS SDK prints a multi-line notice on every run under Node 20 (its future releases need
// Node 22); the README says so once instead. Set before any command loads the SDK.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

process.exitCode = await runCli(process.argv.slice(2), processIo);
