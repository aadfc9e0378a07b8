// `beacon channels list|add|alias|rename` through the real CLI (node cli/beacon.js) on a temporary embedded database:
// JSON on stdout, clear errors with exit codes, and imports resolving what the catalogue and its aliases say.
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = new URL("../..", import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), "beacon-channels-"));

function beacon(args: string[], env: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ["cli/beacon.js", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 120_000,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", BEACON_DATA_DIR: dataDir, ...env },
  });
}

function json(result: SpawnSyncReturns<string>): Record<string, unknown> {
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("beacon channels", () => {
  it("starts from an empty catalogue, adds channels, and refuses a bad type or a duplicate code", () => {
    expect(json(beacon(["channels", "list"]))).toEqual({ channels: [] });
    const added = json(
      beacon(["channels", "add", "baidu_search", "--name", "百度搜索推广", "--type", "search", "--platform", "Baidu"]),
    );
    expect(added).toEqual({
      added: {
        code: "baidu_search",
        name: "百度搜索推广",
        type: "search",
        platform: "Baidu",
        is_paid: true,
        aliases: [],
      },
    });
    json(
      beacon([
        "channels",
        "add",
        "offline_events",
        "--name",
        "Trade shows",
        "--type",
        "offline",
        "--platform",
        "Offline",
        "--unpaid",
      ]),
    );
    json(
      beacon([
        "channels",
        "add",
        "organic_search",
        "--name",
        "Organic search",
        "--type",
        "organic",
        "--platform",
        "Organic",
      ]),
    );

    const badType = beacon(["channels", "add", "tv", "--name", "TV", "--type", "television", "--platform", "CCTV"]);
    expect(badType.status).toBe(1);
    expect(badType.stderr).toContain(
      'unknown channel type "television": expected one of search, social, short_video, email, display, video, affiliate, kol, offline, direct, organic',
    );
    const duplicate = beacon([
      "channels",
      "add",
      "baidu_search",
      "--name",
      "X",
      "--type",
      "search",
      "--platform",
      "Baidu",
    ]);
    expect(duplicate.status).toBe(1);
    expect(duplicate.stderr).toContain(
      'channel code "baidu_search" already exists (named "百度搜索推广"); codes are stable ids: pick another code, or change the name with beacon channels rename baidu_search --name "..."',
    );
    const badCode = beacon([
      "channels",
      "add",
      "Trade Shows",
      "--name",
      "X",
      "--type",
      "offline",
      "--platform",
      "Offline",
    ]);
    expect(badCode.status).toBe(1);
    expect(badCode.stderr).toContain('use a code such as "trade_shows"');
    const missing = beacon(["channels", "add", "kol"]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("channels add: missing --name, --type, --platform");
  });

  it("aliases, refuses an alias that points elsewhere (saying how to move it), moves and removes it", () => {
    expect(json(beacon(["channels", "alias", "百度推广", "baidu_search"]))).toMatchObject({
      alias: "百度推广",
      channel: "baidu_search",
      action: "created",
    });
    json(beacon(["channels", "alias", "Trade Show", "organic_search"]));
    const elsewhere = beacon(["channels", "alias", "trade-show", "offline_events"]);
    expect(elsewhere.status).toBe(1);
    expect(elsewhere.stderr).toContain(
      'alias "trade-show" already points to channel organic_search; to move it: beacon channels alias trade-show offline_events --move',
    );
    expect(json(beacon(["channels", "alias", "Trade Show", "offline_events", "--move"]))).toMatchObject({
      action: "moved",
      from: "organic_search",
      channel: "offline_events",
    });
    const unknown = beacon(["channels", "alias", "展会", "events"]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain(
      'unknown channel code "events" (known codes: baidu_search, offline_events, organic_search)',
    );
    const code = beacon(["channels", "alias", "Baidu-Search", "offline_events"]);
    expect(code.status).toBe(1);
    expect(code.stderr).toContain('"Baidu-Search" is the code of channel baidu_search');
    json(beacon(["channels", "alias", "展会", "offline_events"]));
    json(beacon(["channels", "alias", "Google", "organic_search"]));
    expect(json(beacon(["channels", "alias", "--remove", "google"]))).toEqual({
      removed: { alias: "google", channel: "organic_search" },
    });
    const gone = beacon(["channels", "alias", "--remove", "google"]);
    expect(gone.status).toBe(1);
    expect(gone.stderr).toContain('there is no alias "google"');
  });

  it("renames a channel keeping its code, and lists the catalogue with aliases", () => {
    expect(json(beacon(["channels", "rename", "offline_events", "--name", "展会与线下活动"]))).toEqual({
      code: "offline_events",
      name: "展会与线下活动",
      previous_name: "Trade shows",
      note: "the code stays offline_events: imports, aliases and reports that use it keep working",
    });
    expect(json(beacon(["channels", "list"]))).toEqual({
      channels: [
        {
          code: "baidu_search",
          name: "百度搜索推广",
          type: "search",
          platform: "Baidu",
          is_paid: true,
          aliases: ["百度推广"],
        },
        {
          code: "offline_events",
          name: "展会与线下活动",
          type: "offline",
          platform: "Offline",
          is_paid: false,
          aliases: ["Trade Show", "展会"],
        },
        {
          code: "organic_search",
          name: "Organic search",
          type: "organic",
          platform: "Organic",
          is_paid: false,
          aliases: [],
        },
      ],
    });
  });

  it("lets a customers import map its sources through the aliases", () => {
    const report = json(beacon(["import", "customers", "tests/fixtures/exports/fxiaoke-customers.csv"]));
    expect(report).toMatchObject({ rows: 9, inserted: 9 });
    expect(report.notes).toEqual([
      'column "客户来源" mapped to channels: 百度推广 -> baidu_search (3 rows), 展会 -> offline_events (3 rows)',
      '2 rows have source "客户介绍": kept as text (source_text) without a channel; map it with `beacon channels alias 客户介绍 <channel_code>` and import again, or leave it',
    ]);
  });

  it("refuses an unknown BEACON_DEFAULT_PHONE_REGION at start", () => {
    const result = beacon(["channels", "list"], { BEACON_DEFAULT_PHONE_REGION: "XX" });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'BEACON_DEFAULT_PHONE_REGION: expected a two-letter ISO 3166 country code such as CN, US, GB or DE (got "XX")',
    );
  });
});
