// `beacon import <file>` without an entity: the proposal is printed and nothing is imported unless --yes accepts
// an unambiguous one. Runs the real CLI on a throwaway embedded database.
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = new URL("../..", import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), "beacon-detect-"));

function beacon(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ["cli/beacon.js", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    input: "",
    timeout: 120_000,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", BEACON_DATA_DIR: dataDir },
  });
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("beacon import <file> (entity detection)", () => {
  it("proposes the entity with the command to run, exits 2 and imports nothing", () => {
    const result = beacon(["import", "tests/fixtures/csv/customers.csv"]);
    expect(result.status, result.stderr).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("tests/fixtures/csv/customers.csv looks like customers (3 of 3 required columns");
    expect(result.stderr).toContain("run: beacon import customers tests/fixtures/csv/customers.csv");
    expect(result.stderr).toContain("or add --yes to import it as customers");
    // Detection reads only the header: the database was not even opened.
    const status = beacon(["db", "status"]);
    const migrations = (JSON.parse(status.stdout) as { migrations: { appliedAt: string | null }[] }).migrations;
    expect(migrations.every((m) => m.appliedAt === null)).toBe(true);
  });

  it("--yes imports an unambiguous proposal exactly as `beacon import <entity> <file>` would", () => {
    // journeys need no channel catalogue, so they load into the empty database.
    const result = beacon(["import", "tests/fixtures/csv/journeys.csv", "--yes"]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toContain("importing it as journeys (--yes)");
    const report = JSON.parse(result.stdout) as { entity: string; rows: number; inserted: number };
    expect(report).toMatchObject({ entity: "journeys", rows: 4, inserted: 3, updated: 0 });
    const named = beacon(["import", "journeys", "tests/fixtures/csv/journeys.csv", "--dry-run"]);
    expect(named.status, named.stderr).toBe(0);
    expect(JSON.parse(named.stdout)).toMatchObject({ entity: "journeys", rows: 4, inserted: 0, updated: 3 });
  });

  it("--yes refuses a header two entities fit equally, naming both", () => {
    const dir = mkdtempSync(join(tmpdir(), "beacon-detect-file-"));
    const file = join(dir, "answers.csv");
    writeFileSync(file, "ID,Date,Score,Platform\nA-1,2026-03-01,9,google\n");
    try {
      const result = beacon(["import", file, "--yes"]);
      expect(result.status).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain("not imported: --yes accepts only an unambiguous proposal");
      expect(result.stderr).toMatch(/run: beacon import (nps|platform_conversions) .*\(or: beacon import/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("--yes refuses a proposal that would read under half of the file's columns (a deals export as customers)", () => {
    const result = beacon(["import", "tests/fixtures/exports/zoho-deals.csv", "--yes"]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/customers would read only 4 of its 19 columns; name the entity/);
  });

  it("says when no entity fits, and keeps the old errors for a missing file and a misspelt entity", () => {
    const none = beacon(["import", "tests/fixtures/exports/fx-rates.csv"]);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain("cannot tell which entity tests/fixtures/exports/fx-rates.csv holds");
    expect(none.stderr).toContain("name it: beacon import <entity>");
    const missing = beacon(["import", "no-such-file.csv"]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("no such file: no-such-file.csv (and it is not an entity name)");
    const typo = beacon(["import", "order", "tests/fixtures/csv/orders.csv"]);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain('unknown entity "order"');
    const workbook = beacon(["import", "tests/fixtures/csv/orders-workbook.xlsx"]);
    expect(workbook.status).toBe(1);
    expect(workbook.stderr).toContain("Excel workbook");
  });
});
