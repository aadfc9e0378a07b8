import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error plain JavaScript (it runs before anything is compiled), no type declarations
import { ensureCompiled, listSources, markInUse, ROOT } from "../../cli/build.js";

type Ensure = (root: string, onCompile?: (files: number) => void) => Promise<string>;
const ensure = ensureCompiled as Ensure;

// A miniature project laid out like Beacon: an entry in cli/, a module it imports, and an asset it finds next to
// itself through import.meta.url.
const project = mkdtempSync(join(tmpdir(), "beacon-build-"));
afterAll(() => rmSync(project, { recursive: true, force: true }));
mkdirSync(join(project, "cli"));
mkdirSync(join(project, "lib/assets"), { recursive: true });
cpSync(join(ROOT, "cli/build.js"), join(project, "cli/build.js"));
cpSync(join(ROOT, "tsconfig.json"), join(project, "tsconfig.json"));
symlinkSync(join(ROOT, "node_modules"), join(project, "node_modules"));
writeFileSync(join(project, "package.json"), '{ "type": "module" }\n');
writeFileSync(join(project, "lib/assets/greeting.txt"), "hello from an asset");
writeFileSync(
  join(project, "lib/answer.ts"),
  'import { readFileSync } from "node:fs";\n' +
    "export const answer: number = 41;\n" +
    'export const greeting = (): string => readFileSync(new URL("./assets/greeting.txt", import.meta.url), "utf8");\n',
);
writeFileSync(
  join(project, "cli/main.ts"),
  'import { answer, greeting } from "../lib/answer.ts";\nconsole.log(answer, greeting());\n',
);

function run(main: string): string {
  const result = spawnSync(process.execPath, [main], { encoding: "utf8" });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout.trim();
}

describe("cli/build.js", () => {
  it("compiles .ts to .js with rewritten imports and links assets, so import.meta.url finds them", async () => {
    const compiles: number[] = [];
    const main = await ensure(project, (files) => compiles.push(files));
    expect(compiles).toEqual([2]); // cli/main.ts, lib/answer.ts and nothing else that is TypeScript
    expect(main).toMatch(/dist\/[0-9a-f]{16}\/cli\/main\.js$/);
    expect(run(main)).toBe("41 hello from an asset");
    expect(lstatSync(join(main, "../../lib/assets")).isSymbolicLink()).toBe(true);
    // Nothing changed: the same build, no compilation.
    expect(await ensure(project, (files) => compiles.push(files))).toBe(main);
    expect(compiles).toEqual([2]);
  });

  it("never runs stale code: an edited source gets a new build on the next call", async () => {
    const before = await ensure(project);
    writeFileSync(
      join(project, "lib/answer.ts"),
      "export const answer: number = 42;\nexport const greeting = () => 'edited';\n",
    );
    const compiles: number[] = [];
    const after = await ensure(project, (files) => compiles.push(files));
    expect(after).not.toBe(before);
    expect(compiles).toEqual([2]);
    expect(run(after)).toBe("42 edited");
    // The earlier build stays for processes still running from it.
    expect(existsSync(before)).toBe(true);
  });

  it("trusts its stamp of file stats only while every stat holds: a same-size edit or a new file recompiles", async () => {
    // Stats a minute old are past the racy window, so the build is stamped.
    const age = (path: string) =>
      utimesSync(join(project, path), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const settle = () =>
      [
        "lib/answer.ts",
        "lib/assets/greeting.txt",
        "cli/main.ts",
        "cli/build.js",
        "tsconfig.json",
        "package.json",
        "lib/assets",
        "lib",
        "cli",
        "",
      ].forEach(age);
    writeFileSync(
      join(project, "lib/answer.ts"),
      "export const answer: number = 43;\nexport const greeting = () => 'a';\n",
    );
    settle();
    const first = await ensure(project);
    const stamp = JSON.parse(readFileSync(join(project, "dist/.sources-stamp.json"), "utf8"));
    expect(join(project, "dist", stamp.id, "cli/main.js")).toBe(first);
    expect(await ensure(project)).toBe(first);
    expect(run(first)).toBe("43 a");

    // Same size, new content, an mtime still in the past but not the stamped one.
    writeFileSync(
      join(project, "lib/answer.ts"),
      "export const answer: number = 44;\nexport const greeting = () => 'b';\n",
    );
    utimesSync(join(project, "lib/answer.ts"), new Date(Date.now() - 30_000), new Date(Date.now() - 30_000));
    const edited = await ensure(project);
    expect(edited).not.toBe(first);
    expect(run(edited)).toBe("44 b");

    // A new source in a folder: only that folder's mtime tells.
    settle();
    await ensure(project);
    writeFileSync(join(project, "lib/extra.ts"), "export const extra = 1;\n");
    const compiles: number[] = [];
    const added = await ensure(project, (files) => compiles.push(files));
    expect(compiles).toEqual([3]);
    expect(existsSync(join(added, "../../lib/extra.js"))).toBe(true);
  });

  it("never prunes a build a live process runs from; a killed process's marker does not hold its build", async () => {
    const edit = async (n: number) => {
      writeFileSync(
        join(project, "lib/answer.ts"),
        `export const answer: number = ${n};\nexport const greeting = () => 'x';\n`,
      );
      return ensure(project);
    };
    const running = await edit(100);
    const killed = await edit(101);
    markInUse(running); // this test's own process: alive
    const deadPid = spawnSync(process.execPath, ["-e", "0"]).pid as number;
    mkdirSync(join(killed, "../../.in-use"), { recursive: true });
    writeFileSync(join(killed, "../../.in-use", String(deadPid)), "");
    // Four newer builds: past the three earlier ones kept for any process, both would be pruned without a marker.
    for (const n of [102, 103, 104, 105]) await edit(n);
    expect(existsSync(running)).toBe(true);
    expect(existsSync(killed)).toBe(false);
  });

  it("covers Beacon's runtime files: the worker entry is compiled, migrations and the playbook are linked", () => {
    const sources = listSources(ROOT) as { compile: string[]; links: string[] };
    expect(sources.compile).toContain("agent/analyst-worker.ts");
    expect(sources.compile).toContain("cli/main.ts");
    expect(sources.links).toEqual(expect.arrayContaining(["db/migrations", "knowledge/docs", "bench/results"]));
    expect(sources.links).toContain("knowledge/eval/questions.json");
    expect(sources.compile.some((path) => path.startsWith("node_modules/") || path.startsWith("dist/"))).toBe(false);
  });
});
