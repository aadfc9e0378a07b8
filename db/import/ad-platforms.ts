// Ad platform reports recognised by their header: an export with no channel column still says which platform it
// came from by the column names that platform uses ("Impr.", "Amount spent (USD)", 曝光量, 展示数 ...).
import type pg from "pg";
import { normaliseKey, withoutBrackets } from "./columns.ts";
import { ImportValidationError } from "./errors.ts";
import type { ColumnPlan } from "./plan.ts";

/** One ad platform's report: how to recognise it, and the channel to create when the catalogue has none. */
export interface AdPlatform {
  /** The platform as reports and the channel catalogue name it. */
  platform: string;
  /** Other spellings of the platform in a catalogue (a channel with any of them belongs to this platform). */
  platformAliases: readonly string[];
  /** Every slot must be filled by one of its header spellings (compared without case, spacing or units). */
  signature: readonly (readonly string[])[];
  /** The channel created when the catalogue has no channel of this platform. */
  channel: { code: string; name: string; type: string };
  /** The currency the platform reports in when the header names none (domestic Chinese platforms bill in CNY). */
  currency?: string;
}

export const AD_PLATFORMS: readonly AdPlatform[] = [
  {
    platform: "Google Ads",
    platformAliases: ["Google", "Google AdWords", "AdWords"],
    // "Impr." is Google's own abbreviation; with Campaign and Cost it names a Google Ads campaign report.
    signature: [["impr.", "impr"], ["campaign"], ["cost"]],
    channel: { code: "google_search", name: "Google Ads", type: "search" },
  },
  {
    platform: "Meta",
    platformAliases: ["Facebook", "Meta Ads", "Facebook Ads", "Instagram"],
    signature: [["reporting starts"], ["campaign name"], ["amount spent"]],
    channel: { code: "meta_ads", name: "Meta Ads", type: "social" },
  },
  {
    platform: "Tencent Ads",
    platformAliases: ["腾讯广告", "Tencent", "广点通", "GDT", "WeChat", "微信广告"],
    signature: [["广告计划", "计划名称"], ["曝光量", "曝光次数"], ["花费"]],
    channel: { code: "tencent_ads", name: "腾讯广告 Tencent Ads", type: "social" },
    currency: "CNY",
  },
  {
    platform: "Ocean Engine",
    platformAliases: ["巨量引擎", "巨量广告", "Douyin", "抖音", "Toutiao", "今日头条", "OceanEngine"],
    signature: [["计划名称", "广告计划名称"], ["展示数", "展示次数"], ["消耗"]],
    channel: { code: "douyin_ads", name: "巨量引擎 Ocean Engine", type: "short_video" },
    currency: "CNY",
  },
  {
    platform: "Baidu",
    platformAliases: ["百度", "百度营销", "百度推广", "Baidu Ads", "Baidu Search"],
    signature: [["推广计划"], ["展现", "展现量"], ["消费"]],
    channel: { code: "baidu_search", name: "百度搜索推广 Baidu Search", type: "search" },
    currency: "CNY",
  },
  {
    platform: "Xiaohongshu",
    platformAliases: ["小红书", "聚光", "小红书聚光", "Juguang", "RED", "XHS", "Xiaohongshu Ads"],
    // 聚光 shares 计划名称 / 展现量 / 消费 with other Chinese consoles (a Baidu feed report can carry all three), so the
    // signature also needs a column only 小红书 reports: note interactions (互动量) or DM enquiries (私信咨询数 ...).
    signature: [["计划名称"], ["展现量"], ["消费"], ["互动量", "私信咨询数", "私信咨询", "私信进线数", "私信开口数"]],
    channel: { code: "xiaohongshu", name: "小红书 Xiaohongshu", type: "social" },
    currency: "CNY",
  },
];

/** The platform whose signature the header carries, or why none was chosen. */
export type Detection = { platform: AdPlatform } | { platform: null; ambiguous: string[] };

/** Detects the ad platform from a header row; ambiguous when several signatures fit. */
export function detectAdPlatform(header: readonly string[]): Detection {
  const keys = new Set(header.flatMap((h) => [normaliseKey(h), withoutBrackets(h)]));
  const fits = AD_PLATFORMS.filter((p) =>
    p.signature.every((slot) => slot.some((spelling) => keys.has(normaliseKey(spelling)))),
  );
  if (fits.length === 1 && fits[0]) return { platform: fits[0] };
  return { platform: null, ambiguous: fits.map((p) => p.platform) };
}

/** The channel an import of this platform's report uses, and whether it was created just now. */
export type PlatformChannel = { ok: true; code: string; created: boolean; note: string } | { ok: false; error: string };

/**
 * Finds the catalogue's channel for a detected platform: its only channel, or the usual code among several; creates
 * the channel (inside the import's transaction) when the catalogue has none for the platform.
 */
export async function channelForPlatform(client: pg.PoolClient, platform: AdPlatform): Promise<PlatformChannel> {
  const spellings = [platform.platform, ...platform.platformAliases].map(normaliseKey);
  // The owner's own mapping wins: `beacon channels alias "Google Ads" google_brand`.
  const aliased = await client.query<{ code: string; written: string }>(
    `SELECT DISTINCT c.code, a.written FROM channel_aliases a JOIN channels c ON c.id = a.channel_id
     WHERE a.alias = ANY($1::text[]) ORDER BY c.code`,
    [spellings],
  );
  const aliasCodes = [...new Set(aliased.rows.map((r) => r.code))];
  if (aliasCodes.length === 1 && aliased.rows[0]) {
    const { code, written } = aliased.rows[0];
    return { ok: true, code, created: false, note: `channel: ${code} (the alias "${written}")` };
  }
  const { rows } = await client.query<{ code: string; platform: string }>(
    "SELECT code, platform FROM channels ORDER BY code",
  );
  const candidates = rows.filter((r) => spellings.includes(normaliseKey(r.platform)));
  const usual = candidates.find((r) => r.code === platform.channel.code);
  if (candidates.length === 1 || usual) {
    const code = (usual ?? candidates[0])?.code ?? platform.channel.code;
    const others =
      candidates.length > 1 ? ` (of ${candidates.map((c) => c.code).join(", ")}; --channel picks another)` : "";
    return { ok: true, code, created: false, note: `channel: ${code}${others}` };
  }
  if (candidates.length > 1) {
    return {
      ok: false,
      error:
        `the catalogue has several ${platform.platform} channels (${candidates.map((c) => c.code).join(", ")}); pass --channel CODE ` +
        `to say which this report is for, or map the platform once: beacon channels alias "${platform.platform}" CODE`,
    };
  }
  const { channel } = platform;
  const inserted = await client.query(
    `INSERT INTO channels (code, name, type, platform, is_paid) VALUES ($1, $2, $3, $4, true)
     ON CONFLICT (code) DO NOTHING`,
    [channel.code, channel.name, channel.type, platform.platform],
  );
  if (inserted.rowCount === 0) {
    // The usual code is taken by a channel of another platform name: use it rather than invent a second code.
    const owner = rows.find((r) => r.code === channel.code)?.platform ?? "?";
    return {
      ok: true,
      code: channel.code,
      created: false,
      note: `channel: ${channel.code} (its platform is "${owner}" in the catalogue)`,
    };
  }
  return {
    ok: true,
    code: channel.code,
    created: true,
    note: `created channel ${channel.code} ("${channel.name}", type ${channel.type}, platform ${platform.platform}): the catalogue had no ${platform.platform} channel`,
  };
}

/**
 * Puts the catalogue's channel for the header's platform in place of the platform name the plan carries, creating
 * the channel if needed; returns the report's note. Throws when several channels could be meant.
 */
export async function useDetectedPlatform(client: pg.PoolClient, plan: ColumnPlan, filePath: string): Promise<string> {
  const platform = plan.platform;
  if (!platform) return "";
  const channel = await channelForPlatform(client, platform);
  if (!channel.ok) {
    throw new ImportValidationError(filePath, [{ line: plan.headerLine, column: "channel", reason: channel.error }]);
  }
  const slot = plan.fromOptions.find(([field]) => field === "channel");
  if (slot) slot[1] = channel.code;
  return channel.note;
}
