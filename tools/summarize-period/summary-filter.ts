// The channel / platform / campaign filter as ids, checked against the data: an unknown value is an input error
// that lists what exists, so the caller (person or model) can retry with a real one.
import type { Queryable } from "../../db/pool.ts";
import { channelIdFor } from "../known-values.ts";
import { ToolInputError } from "../tool.ts";
import type { SummaryFilter } from "./summary.queries.ts";

export interface ResolvedFilter {
  ids: SummaryFilter;
  /** How sentences name it ("douyin_ads", "Google Ads", "CMP-0019"); null without a filter. */
  label: string | null;
  applied: { channel?: string; platform?: string; campaign?: string };
  /** The filter as detect_anomalies' scan takes it: channel code, platform name as stored, campaign external id. */
  scan: { channel?: string; platform?: string; campaign?: string };
}

export async function resolveFilter(
  db: Queryable,
  input: { channel?: string; platform?: string; campaign?: string },
): Promise<ResolvedFilter> {
  let channelIds: number[] | null = null;
  const labels: string[] = [];
  if (input.channel) {
    channelIds = [await channelIdFor(db, "channel", input.channel)];
    labels.push(input.channel);
  }
  if (input.platform) {
    const { rows } = await db.query<{ id: number; platform: string }>(
      "SELECT id, platform FROM channels ORDER BY platform",
    );
    const wanted = input.platform.toLowerCase();
    const ids = rows.filter((r) => r.platform.toLowerCase() === wanted).map((r) => r.id);
    if (ids.length === 0) {
      const known = [...new Set(rows.map((r) => r.platform))].join(", ");
      throw new ToolInputError(`platform: unknown platform "${input.platform}"; known: ${known || "none"}`);
    }
    channelIds = channelIds === null ? ids : channelIds.filter((id) => ids.includes(id));
    if (channelIds.length === 0) {
      throw new ToolInputError(`channel ${input.channel} is not on platform ${input.platform}: give one of the two`);
    }
    labels.push(rows.find((r) => r.id === ids[0])?.platform ?? input.platform);
  }
  const scan: ResolvedFilter["scan"] = {};
  if (input.channel) scan.channel = input.channel;
  if (input.platform) scan.platform = labels.at(-1);
  let campaignId: number | null = null;
  if (input.campaign) {
    const { rows } = await db.query<{ id: number; external_id: string; channel_id: number }>(
      "SELECT id, external_id, channel_id FROM campaigns WHERE external_id = $1 OR lower(name) = lower($1) ORDER BY id LIMIT 2",
      [input.campaign],
    );
    const found = rows.find((r) => r.external_id === input.campaign) ?? (rows.length === 1 ? rows[0] : undefined);
    if (!found) {
      throw new ToolInputError(
        rows.length > 1
          ? `campaign: several campaigns are named "${input.campaign}"; give its external id (list_campaigns shows them)`
          : `campaign: no campaign has the external id or name "${input.campaign}"; list_campaigns lists them`,
      );
    }
    if (channelIds !== null && !channelIds.includes(found.channel_id)) {
      throw new ToolInputError(
        `campaign ${found.external_id} is not on the channel or platform given: give one of them`,
      );
    }
    campaignId = found.id;
    scan.campaign = found.external_id;
    labels.push(found.external_id);
  }
  const applied = Object.fromEntries(
    Object.entries({ channel: input.channel, platform: input.platform, campaign: input.campaign }).filter(([, v]) => v),
  );
  return { ids: { channelIds, campaignId }, label: labels.length ? labels.join(" / ") : null, applied, scan };
}
