// customers: one row per customer, keyed by the source system's id, from CRM and shop exports as they are downloaded
// (Zoho CRM Contacts, 纷享销客 客户, ...). Creates nothing else. A lead source names a channel through the catalogue
// (code, name, platform or alias); one that names none is kept as text and listed once in the report, never refused.
// Names split into first and last are joined.
import { z } from "zod";
import { shellWord } from "../../channels.ts";
import { normaliseKey } from "../columns.ts";
import { defineImporter, type ImportSession, type Prepared } from "../entity.ts";
import { field, type RowOf, rowSchema } from "../fields.ts";
import { type Parsed, parseWrittenDateTime } from "../values.ts";

/** A birth year, or the year of a date of birth. */
function parseBirthYear(text: string): Parsed<number> {
  if (/^\d{4}$/.test(text)) {
    const year = Number(text);
    return year >= 1900 && year <= 2100 ? { ok: true, value: year } : { ok: false, error: "year outside 1900-2100" };
  }
  const date = parseWrittenDateTime(text, "ymd");
  return date.ok
    ? { ok: true, value: date.value.year }
    : { ok: false, error: "expected a year (1987) or a date of birth" };
}

const fields = {
  external_id: field.id({
    required: true,
    aliases: [
      "customer id",
      "customer external id",
      "customer no",
      "customer number",
      "client id",
      "member id",
      "user id",
      "contact id",
      "record id",
      "id",
      "客户编号",
      "客户ID",
      "会员编号",
      "会员ID",
      "用户ID",
    ],
    description: "The customer's id in the source system (CRM, shop); re-importing the same id updates the customer.",
  }),
  name: field.text({
    // The column may be missing when First Name / Last Name (姓 / 名) give the name (requireOneOf below).
    required: false,
    aliases: [
      "customer name",
      "full name",
      "contact name",
      "client name",
      "姓名",
      "客户名称",
      "客户姓名",
      "名称",
      "名字",
    ],
    description: "Display name; required on every row (or its First Name / Last Name).",
  }),
  first_name: field.text({
    required: false,
    aliases: ["first name", "given name", "firstname", "forename", "名"],
    description:
      'Given name (Zoho "First Name"), joined with the last name when the row has no name: "Anna Schmidt", or 李伟 for 中文 (family name first, no space).',
  }),
  last_name: field.text({
    required: false,
    aliases: ["last name", "surname", "family name", "lastname", "姓"],
    description: 'Family name (Zoho "Last Name", 姓), joined with the first name when the row has no name.',
  }),
  email: field.email({
    required: false,
    aliases: ["e-mail", "email address", "e-mail address", "mail", "邮箱", "邮件", "电子邮件", "电子邮箱", "邮箱地址"],
    description: "Email address.",
  }),
  phone: field.phone({
    required: false,
    aliases: [
      "phone number",
      "telephone",
      "tel",
      "work phone",
      "office phone",
      "电话",
      "联系电话",
      "电话号码",
      "座机",
      "固定电话",
    ],
    description:
      'Stored as digits with country code: +86 138 0013 8000, 138-0013-8000 and 13800138000 all become 8613800138000; numbers without "+" are read in BEACON_DEFAULT_PHONE_REGION (CN by default).',
  }),
  mobile: field.phone({
    required: false,
    aliases: [
      "mobile",
      "mobile phone",
      "mobile number",
      "cell",
      "cellphone",
      "cell phone",
      "手机",
      "手机号",
      "手机号码",
      "移动电话",
    ],
    description: "A mobile number; stored as the customer's phone where given (else the Phone column's number).",
  }),
  country: field.text({
    required: false,
    aliases: ["country/region", "mailing country", "国家", "国家/地区"],
    description: "Country name or code, as written.",
  }),
  region: field.text({
    required: false,
    aliases: ["province", "state", "state/province", "mailing state", "省份", "省", "地区", "区域"],
    description: "Region, province or state, as written.",
  }),
  city: field.text({
    required: false,
    aliases: ["mailing city", "城市", "市"],
    description: "City, as written (used for geographic segments).",
  }),
  signup_date: field.date({
    required: true,
    aliases: [
      "signup",
      "sign up date",
      "signed up",
      "registration date",
      "registered",
      "registered at",
      "join date",
      "joined",
      "created",
      "created at",
      "created time",
      "create time",
      "first seen",
      "注册日期",
      "注册时间",
      "创建时间",
      "加入日期",
    ],
    description: "First known date of the customer (a timestamp is cut to its date in the configured time zone).",
  }),
  acquisition_channel: field.channel({
    required: false,
    aliases: [
      "acquisition channel",
      "channel",
      "source",
      "lead source",
      "customer source",
      "utm source",
      "获客渠道",
      "渠道",
      "来源",
      "客户来源",
      "渠道来源",
      "线索来源",
      "来源渠道",
    ],
    description:
      "The channel (lead source) that brought the customer: a channel code, name, platform or alias (beacon channels alias). A value that names no channel is kept as text (source_text) and listed in the report with the command that maps it; it never fails the file.",
  }),
  level: field.text({
    required: false,
    aliases: [
      "customer level",
      "tier",
      "customer tier",
      "membership tier",
      "member level",
      "vip level",
      "rating",
      "account rating",
      "grade",
      "lead status",
      "客户级别",
      "客户等级",
      "会员等级",
      "会员级别",
      "客户分级",
      "等级",
      "级别",
    ],
    description: "The CRM's level, tier or rating of the customer (重要客户, Gold, Hot), kept as written.",
  }),
  address: field.text({
    required: false,
    aliases: [
      "street",
      "street address",
      "mailing street",
      "address line 1",
      "地址",
      "详细地址",
      "联系地址",
      "通讯地址",
    ],
    description: "Street address (Zoho Mailing Street, 纷享销客 地址 / 详细地址), kept as written.",
  }),
  owner: field.text({
    required: false,
    aliases: [
      "contact owner",
      "account owner",
      "lead owner",
      "customer owner",
      "record owner",
      "sales owner",
      "sales rep",
      "负责人",
      "客户负责人",
      "所属人",
      "归属人",
      "销售负责人",
      "跟进人",
    ],
    description: "The CRM user responsible for the customer (Contact Owner, 负责人), kept as written.",
  }),
  marketing_consent: field.boolean({
    required: false,
    aliases: [
      "consent",
      "opt in",
      "opted in",
      "subscribed",
      "email opt in",
      "accepts marketing",
      "营销许可",
      "同意营销",
      "订阅",
    ],
    description: "May we send marketing (yes/no, true/false, 1/0, 是/否); blank means no.",
  }),
  birth_year: field.custom(
    "integer",
    parseBirthYear,
  )({
    required: false,
    aliases: ["year of birth", "birthday", "date of birth", "dob", "出生年份", "出生日期", "生日"],
    description: "Birth year, or a date of birth (only the year is kept).",
  }),
  gender: field.enumeration(["female", "male", "other"], {
    f: "female",
    w: "female",
    woman: "female",
    m: "male",
    man: "male",
    女: "female",
    男: "male",
    其他: "other",
    "non-binary": "other",
    diverse: "other",
  })({ required: false, aliases: ["sex", "性别"], description: "female, male or other (also F/M, 女/男)." }),
};

/** The name cell every row needs (the `name` field's column may be missing when first/last names give it). */
const requiredName = field.text({ required: true, description: fields.name.description });

/** A cell value read from a lead source that says "no source" (Zoho's picklist "-None-", "(not set)", 无). */
const NO_SOURCE = new Set(["none", "notset", "null", "na", "无"]);
const LISTED = 25;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/** "Anna" + "Schmidt" -> "Anna Schmidt"; 伟 + 李 -> 李伟 (CJK names: family name first, no space). */
export function joinName(first: string | undefined, last: string | undefined): string {
  const given = first?.trim() ?? "";
  const family = last?.trim() ?? "";
  if (given === "" || family === "") return given || family;
  return CJK.test(given + family) ? `${family}${given}` : `${given} ${family}`;
}

/** Fills a blank name from First Name / Last Name before the row is validated. */
function withJoinedName(raw: unknown): unknown {
  const row = raw as Record<string, string | undefined>;
  if ((row.name?.trim() ?? "") !== "" || (row.first_name === undefined && row.last_name === undefined)) return row;
  return { ...row, name: joinName(row.first_name, row.last_name) };
}

/** Lead sources of one import: mapped ones (for one note) and unmapped ones (one note each, with the command). */
interface SourceTally {
  mapped: Map<string, { text: string; code: string; rows: number }>;
  unmapped: Map<string, { text: string; reason: string; rows: number }>;
}

const tallies = new WeakMap<ImportSession, SourceTally>();

function tallyOf(session: ImportSession): SourceTally {
  let tally = tallies.get(session);
  if (!tally) {
    tally = { mapped: new Map(), unmapped: new Map() };
    tallies.set(session, tally);
  }
  return tally;
}

/** The channel id of a lead source, or null with the text kept (source_text) and counted for the report. */
function mapSource(session: ImportSession, text: string): { channelId: number | null; sourceText: string | null } {
  const key = normaliseKey(text);
  if (key === "" || NO_SOURCE.has(key)) return { channelId: null, sourceText: null };
  const tally = tallyOf(session);
  const channel = session.refs.channel(text);
  if (channel.ok) {
    const seen = tally.mapped.get(key) ?? { text, code: channel.value.code, rows: 0 };
    tally.mapped.set(key, { ...seen, rows: seen.rows + 1 });
    return { channelId: channel.value.id, sourceText: null };
  }
  const seen = tally.unmapped.get(key) ?? { text, reason: channel.error, rows: 0 };
  tally.unmapped.set(key, { ...seen, rows: seen.rows + 1 });
  return { channelId: null, sourceText: text };
}

/** One note for the mapped sources, one per unmapped source with its row count and the command that maps it. */
function noteSources(session: ImportSession): void {
  const tally = tallies.get(session);
  if (!tally) return;
  const header = session.head.of("acquisition_channel") ?? "source";
  if (tally.mapped.size > 0) {
    const pairs = [...tally.mapped.values()].map((m) => `${m.text} -> ${m.code} (${plural(m.rows, "row")})`);
    session.note(
      `column "${header}" mapped to channels: ${pairs.slice(0, LISTED).join(", ")}${pairs.length > LISTED ? ", ..." : ""}`,
    );
  }
  const unmapped = [...tally.unmapped.values()].sort((a, b) => b.rows - a.rows);
  for (const u of unmapped.slice(0, LISTED)) {
    const why = u.reason.includes("several channels") ? ` (${u.reason.replace(/; use the channel code$/, "")})` : "";
    session.note(
      `${plural(u.rows, "row")} ${u.rows === 1 ? "has" : "have"} source "${u.text}"${why}: kept as text (source_text) without a channel; ` +
        `map it with \`beacon channels alias ${shellWord(u.text)} <channel_code>\` and import again, or leave it`,
    );
  }
  if (unmapped.length > LISTED) session.note(`... and ${unmapped.length - LISTED} more sources that map to no channel`);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Imports customers; upserts on external_id. */
export const customersImporter = defineImporter({
  entity: "customers",
  description:
    "Customers from a CRM or shop export (Zoho CRM Contacts, 纷享销客 客户 ...); re-importing updates them by their external id.",
  fields,
  requireOneOf: [["name", "first_name", "last_name"]],
  // Lead sources never fail the file, so an empty catalogue is no reason to refuse it (begin() loads it).
  needsChannels: () => false,
  keyDescription: "customer id (external_id)",
  duplicates: "error",
  target: {
    table: "customers",
    conflict: ["external_id"],
    touch: "updated_at",
    columns: [
      { name: "external_id", type: "text" },
      { name: "name", type: "text" },
      { name: "email", type: "text", fields: ["email"] },
      { name: "phone", type: "text", fields: ["phone", "mobile"] },
      { name: "country", type: "text", fields: ["country"] },
      { name: "region", type: "text", fields: ["region"] },
      { name: "city", type: "text", fields: ["city"] },
      { name: "signup_date", type: "date" },
      { name: "acquisition_channel_id", type: "integer", fields: ["acquisition_channel"] },
      { name: "source_text", type: "text", fields: ["acquisition_channel"] },
      { name: "marketing_consent", type: "boolean", fields: ["marketing_consent"] },
      { name: "birth_year", type: "smallint", fields: ["birth_year"] },
      { name: "gender", type: "text", fields: ["gender"] },
      { name: "level", type: "text", fields: ["level"] },
      { name: "address", type: "text", fields: ["address"] },
      { name: "owner", type: "text", fields: ["owner"] },
    ],
  },
  schema: (context) =>
    z.preprocess(withJoinedName, rowSchema({ ...fields, name: requiredName }, context)) as unknown as z.ZodType<
      RowOf<typeof fields>,
      Record<string, string | undefined>
    >,
  async begin(session) {
    if (session.present.has("phone") && session.present.has("mobile")) {
      session.note(
        `phone: "${session.head.of("mobile")}" where given, else "${session.head.of("phone")}" (one phone per customer)`,
      );
    }
    if (!session.present.has("name")) {
      const parts = ["first_name", "last_name"].map((f) => session.head.of(f)).filter((h) => h !== undefined);
      session.note(`name: joined from ${parts.map((h) => `"${h}"`).join(" and ")}`);
    }
    if (session.present.has("acquisition_channel") && (await session.refs.loadChannels()) === 0) {
      session.note(
        "the channel catalogue is empty, so every lead source is kept as text (source_text): add channels " +
          "(beacon channels add, or beacon import channels <file>) and aliases, then import again to map them",
      );
    }
  },
  async prepare(rows, session) {
    const out: Prepared = { records: [], problems: [] };
    for (const { line, value: row } of rows) {
      const source =
        row.acquisition_channel === null
          ? { channelId: null, sourceText: null }
          : mapSource(session, row.acquisition_channel);
      out.records.push({
        line,
        value: {
          external_id: row.external_id,
          name: row.name as string,
          email: row.email,
          phone: row.mobile ?? row.phone,
          country: row.country,
          region: row.region,
          city: row.city,
          signup_date: row.signup_date,
          acquisition_channel_id: source.channelId,
          source_text: source.sourceText,
          marketing_consent: row.marketing_consent ?? false,
          birth_year: row.birth_year,
          gender: row.gender,
          level: row.level,
          address: row.address,
          owner: row.owner,
        },
      });
    }
    return out;
  },
  async finish(session) {
    noteSources(session);
    return undefined;
  },
});
