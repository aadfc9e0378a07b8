#!/usr/bin/env node
// Runs the compiled CLI (dist/<id>/, see build.js): plain JavaScript starts in a tenth of the time the on-the-fly
// TypeScript compiler needs. The build matches the sources exactly; after an edit this call compiles first.
import { existsSync } from "node:fs";
import { ensureCompiled, markInUse } from "./build.js";

// A local .env is a convenience for development; variables already set in the environment win.
if (existsSync(".env")) process.loadEnvFile(".env");

const say = (message) => process.stderr.write(`beacon: ${message}\n`);
let main;
try {
  main = await ensureCompiled(undefined, (files) => say(`the sources changed: compiling ${files} files to dist/`));
} catch (error) {
  // A read-only checkout or a missing esbuild must not stop Beacon: the sources still run, only slower.
  say(`could not compile to dist/ (${error instanceof Error ? error.message : String(error)}); running the sources`);
}
if (main) {
  markInUse(main);
  await import(main);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("./main.ts");
}
