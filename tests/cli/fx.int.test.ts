// `beacon fx import|list` and `beacon import --fx-rate`: rates into BEACON_CURRENCY, used by imports, or the import
// is refused with the command that fixes it.
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = new URL("../..", import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), "beacon-fx-"));
const RATES = "tests/fixtures/exports/fx-rates.csv";
const META = "tests/fixtures/exports/meta-ads.csv";

function beacon(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ["cli/beacon.js", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 120_000,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      BEACON_DATA_DIR: dataDir,
      BEACON_CURRENCY: "CNY",
    },
  });
}

function temp(name: string, text: string): string {
  const file = join(dataDir, name);
  writeFileSync(file, text);
  return file;
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("beacon fx and beacon import --fx-rate", () => {
  it("refuses an ad report in USD without a rate, then imports it with --fx-rate and says so", () => {
    const refused = beacon(["import", "ad_spend", META]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("line 2");
    expect(refused.stderr).toContain(`run \`beacon import ad_spend ${META} --fx-rate USD=<CNY per 1 USD>\``);
    const badOption = beacon(["import", "ad_spend", META, "--fx-rate", "USD:7.2"]);
    expect(badOption.status).toBe(2);
    expect(badOption.stderr).toContain(
      '--fx-rate expects CODE=RATE pairs such as USD=7.2 (CNY per 1 USD), got "USD:7.2"',
    );
    const imported = beacon(["import", "ad_spend", META, "--fx-rate", "USD=7.2"]);
    expect(imported.status, imported.stderr).toBe(0);
    const report = JSON.parse(imported.stdout) as { rows: number; inserted: number; notes: string[] };
    expect(report).toMatchObject({ rows: 4, inserted: 4 });
    expect(report.notes).toEqual(
      expect.arrayContaining([
        "platform: Meta (from the header)",
        'created channel meta_ads ("Meta Ads", type social, platform Meta): the catalogue had no Meta channel',
        "converted spend and claimed value of 4 rows (2026-03-01..2026-03-02) from USD to CNY at 7.2 CNY per USD (--fx-rate)",
      ]),
    );
  });

  it("imports a rates file, lists it, updates on re-import, and then imports use the table", () => {
    const dry = beacon(["fx", "import", RATES, "--dry-run"]);
    expect(JSON.parse(dry.stdout)).toMatchObject({ rates: 4, inserted: 4, updated: 0, dryRun: true });
    const first = beacon(["fx", "import", RATES]);
    expect(first.status, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({
      file: RATES,
      base_currency: "CNY",
      rates: 4,
      currencies: ["EUR", "HKD", "USD"],
      inserted: 4,
      updated: 0,
      dryRun: false,
    });
    const again = beacon(["fx", "import", RATES]);
    expect(JSON.parse(again.stdout)).toMatchObject({ inserted: 0, updated: 4 });
    const list = beacon(["fx", "list", "--currency", "usd"]);
    expect(list.status, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual({
      base_currency: "CNY",
      rates: [
        { currency: "USD", valid_from: "2026-03-02", rate_to_base: "7.21", source: "PBOC central parity" },
        { currency: "USD", valid_from: "2026-02-27", rate_to_base: "7.19", source: "PBOC central parity" },
      ],
    });
    const fromTable = beacon(["import", "ad_spend", META]);
    expect(fromTable.status, fromTable.stderr).toBe(0);
    const notes = (JSON.parse(fromTable.stdout) as { notes: string[] }).notes;
    expect(notes).toContain(
      "converted spend and claimed value of 2 rows (2026-03-01) from USD to CNY at 7.19 CNY per USD (fx_rates from 2026-02-27 (PBOC central parity))",
    );
  });

  it("refuses a bad rates file with every problem and its line, and writes nothing", () => {
    const bad = temp(
      "bad-rates.csv",
      "currency,valid_from,rate_to_base\nUSD,2026-04-01,7.3\nUS Dollar,2026-04-01,7.3\nEUR,2026-13-01,7.9\nJPY,2026-04-01,-0.05\nCNY,2026-04-01,1\n",
    );
    const result = beacon(["fx", "import", bad]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("was not imported (nothing written)");
    expect(result.stderr).toContain('line 3: currency: expected a 3-letter code, got "US Dollar"');
    expect(result.stderr).toContain("line 4: valid_from: month outside 1-12");
    expect(result.stderr).toContain("line 5: rate_to_base: must be above 0");
    expect(result.stderr).toContain("line 6: currency: CNY is the base currency (its rate is 1)");
    const wrongBase = temp("usd-base.csv", "currency,date,rate to USD\nCNY,2026-04-01,0.139\n");
    const base = beacon(["fx", "import", wrongBase]);
    expect(base.status).toBe(1);
    expect(base.stderr).toContain(
      'line 1: column "rate to USD" gives rates into USD, but amounts are stored in CNY (BEACON_CURRENCY)',
    );
    const list = beacon(["fx", "list"]);
    expect((JSON.parse(list.stdout) as { rates: unknown[] }).rates).toHaveLength(4);
    const usage = beacon(["fx", "convert"]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('unknown fx action "convert"');
  });
});
