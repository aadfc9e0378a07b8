// The layers: db/ below tools/ below derived/ below agent/ below bot/. A lower layer never imports a higher one; this
// reads every import statement (static, re-export and dynamic import()) of the lower folders' sources and resolves
// its relative path.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");

/** Module specifiers of every import/export ... from, side-effect import and import() in `source`. */
function importedSpecifiers(source: string): string[] {
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^'";]*?\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((m) => m[1] as string));
}

/** The top-level folder a relative specifier in `file` points into (null for packages and node: modules). */
function targetFolder(file: string, specifier: string): string | null {
  if (!specifier.startsWith(".")) return null;
  const target = relative(ROOT, resolve(dirname(file), specifier));
  return target.split(/[\\/]/)[0] ?? null;
}

function sourcesUnder(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".ts"))
    .map((name) => join(ROOT, folder, name));
}

/** "file -> specifier" for every import from `folder`'s sources into one of `forbidden`. */
function upwardImports(folder: string, forbidden: readonly string[]): string[] {
  return sourcesUnder(folder).flatMap((file) =>
    importedSpecifiers(readFileSync(file, "utf8"))
      .filter((specifier) => forbidden.includes(targetFolder(file, specifier) ?? ""))
      .map((specifier) => `${relative(ROOT, file)} -> ${specifier}`),
  );
}

describe("layering", () => {
  it("finds every kind of import statement", () => {
    const source = [
      'import { a } from "../tools/a.ts";',
      'import type { B } from "../derived/b.ts";',
      'export * from "../agent/c.ts";',
      "import {\n  d,\n  e,\n} from '../bot/d.ts';",
      'import "../tools/side-effect.ts";',
      'const m = await import("../derived/lazy.ts");',
      'import pg from "pg";',
    ].join("\n");
    expect(importedSpecifiers(source)).toEqual([
      "../tools/a.ts",
      "../derived/b.ts",
      "../agent/c.ts",
      "../bot/d.ts",
      "pg",
      "../tools/side-effect.ts",
      "../derived/lazy.ts",
    ]);
    const file = join(ROOT, "db", "x.ts");
    expect(targetFolder(file, "../tools/a.ts")).toBe("tools");
    expect(targetFolder(join(ROOT, "db", "import", "x.ts"), "../pool.ts")).toBe("db");
    expect(targetFolder(file, "pg")).toBeNull();
  });

  it("no file in db/ imports tools/, derived/, agent/, bot/ or cli/", () => {
    expect(sourcesUnder("db").length).toBeGreaterThan(20);
    expect(upwardImports("db", ["tools", "derived", "agent", "bot", "cli"])).toEqual([]);
  });

  it("no file in tools/ imports derived/, agent/, bot/ or cli/", () => {
    expect(upwardImports("tools", ["derived", "agent", "bot", "cli"])).toEqual([]);
  });
});
