import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

// The public reference data sets live inside the repository (see tests/fixtures/reference/README.md), so the tests
// pass in any clone; nothing reads outside it.
const ROOT = new URL("../fixtures/reference/", import.meta.url);

/** Absolute path of a reference file, e.g. referencePath("rfm_rsquaredacademy/expected.json"). */
export function referencePath(relative: string): string {
  return fileURLToPath(new URL(relative, ROOT));
}

/** A reference file's text. */
export function readReference(relative: string): string {
  return readFileSync(referencePath(relative), "utf8");
}

/** A reference JSON file, typed by the caller. */
export function readReferenceJson<T>(relative: string): T {
  return JSON.parse(readReference(relative)) as T;
}
