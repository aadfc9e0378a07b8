import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../db/migrate.ts";
import { openDatabase } from "../../db/pool.ts";
import { generateDemo } from "../../derived/demo.ts";
import { TOOL_LOADERS } from "../../tools/lazy-registry.ts";
import { invokeTool } from "../../tools/run-tool.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), "beacon-tool-cli-"));
const ENV = { BEACON_TIMEZONE: "Asia/Shanghai", BEACON_CURRENCY: "CNY" };
const NOW = "2026-10-31";

/** `beacon tool ...` as a user runs it: a whole process on the embedded database in `dataDir`. */
function beaconTool(args: string[]) {
  return spawnSync(process.execPath, ["cli/beacon.js", "tool", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 120_000,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", BEACON_DATA_DIR: dataDir, ...ENV },
  });
}

beforeAll(async () => {
  const db = await openDatabase({ dataDir });
  try {
    await migrate(db.pool);
    await generateDemo(db, { customers: 300, seed: 11, endDate: NOW, months: 3 });
  } finally {
    await db.close();
  }
}, 120_000);

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

// `beacon tool <name>` loads only that tool's module (tools/lazy-registry.ts); its answer must not change.
describe("beacon tool, loading one tool", () => {
  it("prints the same compute_kpis JSON as the registry's invokeTool in a process of its own", async () => {
    const args = { group_by: ["channel"], compare: "previous_period" };
    const cli = beaconTool(["compute_kpis", JSON.stringify(args), "--now", NOW]);
    expect(cli.status, cli.stderr).toBe(0);
    const printed = JSON.parse(cli.stdout) as { summary: string; rows: unknown[] };
    expect(printed.rows.length).toBeGreaterThan(0);

    const db = await openDatabase({ dataDir });
    try {
      const outcome = await invokeTool(db, "compute_kpis", args, {
        caller: { userId: "cli", role: "admin", canSeePii: true },
        now: new Date(NOW),
        timezone: ENV.BEACON_TIMEZONE,
        currency: ENV.BEACON_CURRENCY,
      });
      if (!outcome.ok) throw new Error(outcome.error);
      expect(printed).toEqual(JSON.parse(JSON.stringify(outcome.result)));
    } finally {
      await db.close();
    }
  }, 120_000);

  it("names every known tool for an unknown one, and still lists them all", () => {
    const unknown = beaconTool(["compute_kpi"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown tool "compute_kpi"');
    for (const name of Object.keys(TOOL_LOADERS)) expect(unknown.stderr).toContain(name);
    const list = beaconTool(["--list"]);
    expect(list.status, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as { name: string }[]).map((t) => t.name)).toContain("feedback_insights");
  }, 120_000);
});
