// customers: one row per customer, keyed by the source system's id. Creates nothing else.
import { defineImporter, type Prepared } from "../entity.ts";
import { field, rowSchema } from "../fields.ts";
import { type Parsed, parseWrittenDateTime } from "../values.ts";
import { resolveChannel } from "./shared.ts";

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
    required: true,
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
    description: "Display name.",
  }),
  email: field.email({
    required: false,
    aliases: ["e-mail", "email address", "e-mail address", "mail", "邮箱", "电子邮件", "电子邮箱"],
    description: "Email address.",
  }),
  phone: field.phone({
    required: false,
    aliases: [
      "mobile",
      "phone number",
      "mobile phone",
      "mobile number",
      "cell",
      "cellphone",
      "telephone",
      "tel",
      "手机",
      "手机号",
      "手机号码",
      "电话",
      "联系电话",
    ],
    description:
      "Stored as digits with country code: +86 138 0013 8000, 138-0013-8000 and 13800138000 all become 8613800138000.",
  }),
  country: field.text({
    required: false,
    aliases: ["country/region", "国家"],
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
      "utm source",
      "获客渠道",
      "渠道",
      "来源",
      "客户来源",
    ],
    description: "The channel that brought the customer: a channel code, name or platform from the channel catalogue.",
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

/** Imports customers; upserts on external_id. */
export const customersImporter = defineImporter({
  entity: "customers",
  description: "Customers from a CRM or shop export; re-importing updates them by their external id.",
  fields,
  needsChannels: (present) => present.has("acquisition_channel"),
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
      { name: "phone", type: "text", fields: ["phone"] },
      { name: "country", type: "text", fields: ["country"] },
      { name: "region", type: "text", fields: ["region"] },
      { name: "city", type: "text", fields: ["city"] },
      { name: "signup_date", type: "date" },
      { name: "acquisition_channel_id", type: "integer", fields: ["acquisition_channel"] },
      { name: "marketing_consent", type: "boolean", fields: ["marketing_consent"] },
      { name: "birth_year", type: "smallint", fields: ["birth_year"] },
      { name: "gender", type: "text", fields: ["gender"] },
    ],
  },
  schema: (context) => rowSchema(fields, context),
  async prepare(rows, session) {
    const out: Prepared = { records: [], problems: [] };
    for (const { line, value: row } of rows) {
      const channelId =
        row.acquisition_channel === null
          ? null
          : resolveChannel(session, line, "acquisition_channel", row.acquisition_channel, out.problems);
      if (row.acquisition_channel !== null && channelId === null) continue;
      out.records.push({
        line,
        value: {
          external_id: row.external_id,
          name: row.name,
          email: row.email,
          phone: row.phone,
          country: row.country,
          region: row.region,
          city: row.city,
          signup_date: row.signup_date,
          acquisition_channel_id: channelId,
          marketing_consent: row.marketing_consent ?? false,
          birth_year: row.birth_year,
          gender: row.gender,
        },
      });
    }
    return out;
  },
});
