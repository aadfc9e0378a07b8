// channels: the channel catalogue from a CSV, so an installation without the demo can load its own (code, name, type,
// platform, paid or not, and aliases: other spellings, "|"-separated, that map to the channel). Codes are stable ids:
// re-importing updates name, type, platform and paid flag in place and adds aliases; it never deletes a channel or alias.
import { aliasProblem, CHANNEL_TYPES, type ChannelInput, channelCodeProblem, saveChannels } from "../../channels.ts";
import { normaliseKey } from "../columns.ts";
import { defineImporter, type Prepared } from "../entity.ts";
import { field, rowSchema } from "../fields.ts";
import { type Parsed, parseBoolean } from "../values.ts";

function parseCode(text: string): Parsed<string> {
  const problem = channelCodeProblem(text);
  return problem ? { ok: false, error: problem } : { ok: true, value: text };
}

/** "百度推广|Baidu 推广|baidu" -> the aliases, trimmed, blanks dropped. */
function parseAliases(text: string): Parsed<string[]> {
  const aliases = text
    .split("|")
    .map((a) => a.trim())
    .filter((a) => a !== "");
  const empty = aliases.find((a) => normaliseKey(a) === "");
  if (empty !== undefined) return { ok: false, error: `alias "${empty}" has no letters or digits` };
  const long = aliases.find((a) => a.length > 200);
  if (long !== undefined) return { ok: false, error: `alias "${long.slice(0, 40)}..." is longer than 200 characters` };
  return { ok: true, value: aliases };
}

const fields = {
  code: field.custom(
    "id",
    parseCode,
  )({
    required: true,
    aliases: ["channel code", "channel", "channel id", "渠道编码", "渠道代码", "编码"],
    description:
      "The channel's stable id: lower-case letters, digits and _ (google_search). Imports, aliases and reports use it; re-importing a code updates that channel.",
  }),
  name: field.text({
    required: true,
    aliases: ["channel name", "display name", "渠道名称", "名称"],
    description: "Display name (百度搜索推广 Baidu Search); also resolves to the channel in imports.",
  }),
  type: field.enumeration(CHANNEL_TYPES, {
    "short video": "short_video",
    短视频: "short_video",
    搜索: "search",
    社交: "social",
    邮件: "email",
    展示: "display",
    视频: "video",
    联盟: "affiliate",
    达人: "kol",
    线下: "offline",
    直接: "direct",
    自然: "organic",
  })({
    required: true,
    aliases: ["channel type", "渠道类型", "类型"],
    description: `One of ${CHANNEL_TYPES.join(", ")}.`,
  }),
  platform: field.text({
    required: true,
    aliases: ["ad platform", "owner", "平台", "广告平台"],
    description:
      "The ad platform whose reports claim its conversions (Baidu, Google Ads, Meta), or the owner of an unpaid channel.",
  }),
  is_paid: field.custom(
    "boolean",
    parseBoolean,
  )({
    required: false,
    aliases: ["paid", "is paid", "付费", "是否付费"],
    description:
      "Bought media (yes/no); blank: unchanged for an existing code, else paid unless the type is direct or organic.",
  }),
  aliases: field.custom(
    "text",
    parseAliases,
  )({
    required: false,
    aliases: ["alias", "other names", "别名"],
    description:
      'Other spellings that map to this channel, "|"-separated (百度推广|Baidu Ads): CRM lead sources, GA4 channel groups. Added, never removed; one that maps to another channel is refused (beacon channels alias ... --move moves it).',
  }),
};

/** Imports the channel catalogue; upserts on code and adds aliases. */
export const channelsImporter = defineImporter({
  entity: "channels",
  description:
    "The channel catalogue (code, name, type, platform, paid, aliases); load it first on an installation without the demo.",
  fields,
  needsChannels: () => false,
  keyDescription: "channel code",
  duplicates: "error",
  target: {
    table: "channels",
    conflict: ["code"],
    columns: [
      { name: "code", type: "text" },
      { name: "name", type: "text" },
      { name: "type", type: "text" },
      { name: "platform", type: "text" },
      { name: "is_paid", type: "boolean", fields: ["is_paid"] },
    ],
  },
  schema: (context) => rowSchema(fields, context),
  async prepare(rows, session) {
    const out: Prepared = { records: [], problems: [] };
    const fileCodes = new Set(rows.map((r) => r.value.code));
    const claimed = new Map<string, { code: string; line: number }>();
    for (const { line, value: row } of rows) {
      const aliases = row.aliases ?? [];
      let refused = false;
      for (const alias of aliases) {
        const key = normaliseKey(alias);
        const earlier = claimed.get(key);
        const problem =
          earlier && earlier.code !== row.code
            ? `alias "${alias}" is also given to ${earlier.code} on line ${earlier.line}; an alias maps to one channel`
            : await aliasProblem(session.client, alias, row.code, { fileCodes });
        if (problem) {
          out.problems.push({ line, field: "aliases", reason: problem });
          refused = true;
        }
        if (!earlier) claimed.set(key, { code: row.code, line });
      }
      if (refused) continue;
      const { code, name, type, platform, is_paid } = row;
      out.records.push({ line, value: { code, name, type, platform, is_paid, aliases: JSON.stringify(aliases) } });
    }
    return out;
  },
  async write(records, session) {
    const channels: (ChannelInput & { aliases: string[] })[] = records.map((r) => ({
      code: String(r.code),
      name: String(r.name),
      type: String(r.type),
      platform: String(r.platform),
      isPaid: r.is_paid === null ? undefined : Boolean(r.is_paid),
      aliases: JSON.parse(String(r.aliases)) as string[],
    }));
    const saved = await saveChannels(session.client, channels);
    if (saved.aliasesAdded > 0) session.note(`added ${saved.aliasesAdded} alias(es)`);
    return { inserted: saved.inserted, changed: saved.changed, written: saved.written };
  },
});
