#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx, so `npx beacon` works right after `npm install` with no build step.
import { existsSync } from "node:fs";
import { register } from "tsx/esm/api";

// A local .env is a convenience for development; variables already set in the environment win.
if (existsSync(".env")) process.loadEnvFile(".env");
register();
await import("./main.ts");
