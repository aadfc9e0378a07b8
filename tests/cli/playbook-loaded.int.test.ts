// `beacon demo` and `beacon eval` load the bundled playbook, so knowledge questions never meet an empty
// knowledge base (issue 18); unchanged documents are skipped the second time.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = new URL("../..", import.meta.url).pathname;
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function beacon(dataDir: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ["cli/beacon.js", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 180_000,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", BEACON_DATA_DIR: dataDir, ...env },
  });
}

function documents(dataDir: string): number {
  const list = beacon(dataDir, ["ingest", "--list"]);
  expect(list.status, list.stderr).toBe(0);
  return (JSON.parse(list.stdout) as { documents: unknown[] }).documents.length;
}

describe("the bundled playbook outside beacon start", () => {
  it("beacon demo ingests it once, then skips the unchanged documents", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "beacon-demo-playbook-"));
    dirs.push(dataDir);
    const first = beacon(dataDir, ["demo", "--customers", "40", "--seed", "5", "--end-date", "2026-10-31"]);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/Knowledge base: playbook 13 added/);
    expect(documents(dataDir)).toBe(13);
    const again = beacon(dataDir, ["demo", "--customers", "40", "--seed", "5", "--end-date", "2026-10-31"]);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(/Knowledge base/);
  }, 300_000);

  it("beacon eval ingests it before asking, even when the model is unreachable", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "beacon-eval-playbook-"));
    dirs.push(dataDir);
    const demo = beacon(dataDir, ["demo", "--customers", "40", "--seed", "5", "--end-date", "2026-10-31"]);
    expect(demo.status, demo.stderr).toBe(0);
    // Ingesting an empty folder as the playbook collection deletes the playbook: an empty knowledge base.
    const empty = mkdtempSync(join(tmpdir(), "beacon-empty-"));
    dirs.push(empty);
    const emptied = beacon(dataDir, ["ingest", empty, "--collection", "playbook"]);
    expect(emptied.status, emptied.stderr).toBe(0);
    expect(documents(dataDir)).toBe(0);
    // Port 9 (discard) is closed: embeddings fall back to the lexical embedder, the one question fails fast.
    const run = beacon(dataDir, ["eval", "--only", "kb-winback-zh", "--json", join(dataDir, "eval.json")], {
      OPENAI_API_KEY: "sk-test",
      OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
      OPENAI_MAX_RETRIES: "0",
      OPENAI_TIMEOUT_MS: "2000",
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/storing lexical vectors only/);
    expect(run.stderr).toMatch(/kb-winback-zh: FAIL/);
    expect(documents(dataDir)).toBe(13);
  }, 300_000);
});
