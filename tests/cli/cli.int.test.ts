import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = new URL("../..", import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), "beacon-cli-"));

/** Runs the real CLI entry point on a throwaway embedded database. */
function beacon(
  args: string[],
  options: { env?: Record<string, string>; input?: string } = {},
): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ["cli/beacon.js", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    input: options.input ?? "",
    timeout: 120_000,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", BEACON_DATA_DIR: dataDir, ...options.env },
  });
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("beacon CLI", () => {
  it("prints usage for --help and exits 2 on an unknown command", () => {
    const help = beacon(["--help"]);
    expect(help.status).toBe(0);
    for (const command of ["start", "demo", "import", "tool", "db", "bench"])
      expect(help.stdout).toContain(`beacon ${command}`);
    const unknown = beacon(["frobnicate"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('Unknown command "frobnicate"');
  });

  it("lists every invalid environment variable and exits 1", () => {
    const result = beacon(["db", "status"], { env: { PORT: "eighty", BEACON_TIMEZONE: "Mars/Olympus" } });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("PORT:");
    expect(result.stderr).toContain("BEACON_TIMEZONE:");
    expect(result.stderr).toContain(".env.example");
  });

  it("shows pending migrations, applies them, and reports status as JSON", () => {
    type Status = { engine: string; migrations: { version: number; appliedAt: string | null }[] };
    const before = beacon(["db", "status"]);
    expect(before.status, before.stderr).toBe(0);
    const pending = JSON.parse(before.stdout) as Status;
    expect(pending.engine).toBe("pglite");
    expect(pending.migrations[0]).toMatchObject({ version: 1, appliedAt: null });
    const migrated = beacon(["db", "migrate"]);
    expect(migrated.status, migrated.stderr).toBe(0);
    const status = JSON.parse(migrated.stdout) as Status;
    expect(status.migrations.every((m) => m.appliedAt !== null)).toBe(true);
    expect(beacon(["db", "reset"]).status).toBe(2);
  });

  it("lists tools and rejects bad tool arguments with the field named", () => {
    const list = beacon(["tool", "--list"]);
    expect(list.status, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as { name: string }[]).map((t) => t.name)).toContain("describe_data");
    const bad = beacon(["tool", "describe_data", '{"include_channels":"yes"}']);
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout).error).toMatch(/include_channels: .*boolean.*got "yes"/);
    const badJson = beacon(["tool", "describe_data", "{nope"]);
    expect(badJson.status).toBe(2);
    expect(badJson.stderr).toContain("not valid JSON");
    const badRole = beacon(["tool", "describe_data", "--role", "wizard"]);
    expect(badRole.status).toBe(2);
    expect(badRole.stderr).toContain("--role must be one of marketer, manager, support, admin");
  });

  it("generates demo data that the tools then see", () => {
    const demo = beacon(["demo", "--customers", "400", "--seed", "7", "--end-date", "2026-10-31"]);
    expect(demo.status, demo.stderr).toBe(0);
    expect(JSON.parse(demo.stdout)).toMatchObject({ customers: 400 });
    const described = beacon(["tool", "describe_data"]);
    expect(described.status, described.stderr).toBe(0);
    const result = JSON.parse(described.stdout) as {
      coverage: { entity: string; rows: number }[];
      channels: unknown[];
    };
    expect(result.coverage.find((c) => c.entity === "customers")?.rows).toBe(400);
    expect(result.channels.length).toBeGreaterThanOrEqual(10);
    expect(beacon(["demo", "--customers", "many"]).status).toBe(2);
  });

  it("rejects a bad CSV with line-level errors and writes nothing", () => {
    const file = join(dataDir, "bad-orders.csv");
    writeFileSync(
      file,
      "order_id,customer_id,ordered_at,amount\nX-1,CUS-0000001,2026-10-01,12.50\nX-2,CUS-0000001,not a date,abc\n",
    );
    const result = beacon(["import", "orders", file]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/line 3/);
    expect(result.stderr).toContain("nothing was imported");
    const unknownEntity = beacon(["import", "widgets", file]);
    expect(unknownEntity.status).toBe(2);
    expect(unknownEntity.stderr).toContain("unknown entity");
  });

  it("says once that an import file is missing, and names an Excel workbook given as CSV", () => {
    const missing = beacon(["import", "orders", join(dataDir, "nope.csv")]);
    expect(missing.status).toBe(1);
    expect(missing.stderr.match(/no such file/g)).toHaveLength(1);
    expect(missing.stderr).toContain(`no such file: ${join(dataDir, "nope.csv")}; check the path`);
    const workbook = beacon(["import", "orders", "tests/fixtures/csv/orders-workbook.xlsx"]);
    expect(workbook.status).toBe(1);
    expect(workbook.stderr).toContain("this is an Excel workbook (.xlsx) or a zip archive, not CSV");
    expect(workbook.stderr).not.toContain("GBK");
  }, 240_000);

  it("starts the console, says why, and answers deterministic commands", () => {
    const result = beacon(["start"], { input: "tools\ntool describe_data {}\nwhat is our ROAS?\nquit\n" });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toContain("Starting the local console: no Slack credentials are configured");
    expect(result.stdout).toContain("describe_data");
    expect(result.stdout).toContain("400 customers");
    expect(result.stdout).toContain("Free-text questions need a language model");
  });
});
