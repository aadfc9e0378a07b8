import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const CONFIG = fileURLToPath(new URL("../fixtures/reporter/vitest.config.ts", import.meta.url));
const VITEST = fileURLToPath(new URL("../../node_modules/vitest/vitest.mjs", import.meta.url));

describe("summary reporter", () => {
  const run = spawnSync(process.execPath, [VITEST, "run", "--config", CONFIG], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  const output = run.stdout + run.stderr;

  it("closes with the same counts as vitest's own summary", () => {
    const vitestLine = /Tests\s+1 failed \| 1 passed \| 3 skipped \(5\)/.exec(output);
    expect(vitestLine, output).not.toBeNull();
    const lines = run.stdout.trim().split("\n");
    expect(lines.at(-1)).toBe("Tests: 1 passed, 1 failed, 3 skipped");
    expect(run.status).toBe(1);
  });

  it("says why tests did not run instead of passing them silently", () => {
    expect(output).toContain("Could not run (their tests are not counted as passed):");
    expect(output).toMatch(
      /hook\.sample\.ts: ENOENT: no such file or directory, open 'missing\/x\.csv' \(2 tests did not run\)/,
    );
    expect(output).toMatch(
      /import\.sample\.ts: Cannot load the fixture this file needs \(the file could not be loaded\)/,
    );
  });
});
