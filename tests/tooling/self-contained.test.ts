import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => /\.(ts|js|mjs)$/.test(f))
    .map((f) => join(ROOT, dir, f));
}

/** Relative path literals ("../x/y") in a file that resolve to a place outside the repository. */
function pathsLeavingRepo(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const literals = [...text.matchAll(/["'`]((?:\.\.\/)+[^"'`\s]*)["'`]/g)].map((m) => m[1] ?? "");
  return literals.filter((p) => relative(ROOT, resolve(dirname(file), p)).startsWith(".."));
}

describe("the tests are self-contained", () => {
  it("no test or benchmark names a path outside the repository", () => {
    const offenders = [...sourceFiles("tests"), ...sourceFiles("bench")].flatMap((file) =>
      pathsLeavingRepo(file).map((p) => `${relative(ROOT, file)}: ${p}`),
    );
    expect(offenders).toEqual([]);
  });

  it("ships the reference data the analytics tests compare against", () => {
    const readme = readFileSync(join(ROOT, "tests/fixtures/reference/README.md"), "utf8");
    for (const folder of readdirSync(join(ROOT, "tests/fixtures/reference"), { withFileTypes: true })) {
      if (folder.isDirectory()) expect(readme).toContain(`\`${folder.name}/\``);
    }
    const data = readFileSync(join(ROOT, "tests/fixtures/reference/attribution_channelattribution/Data.csv"), "utf8");
    expect(data.trim().split("\n")).toHaveLength(10_001);
  });
});
