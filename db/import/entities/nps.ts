// nps: survey answers (0-10 "how likely to recommend"), keyed by response id; the customer is optional, named by id,
// or by e-mail / phone when the file carries customer columns (then unknown customers are created).
import { defineImporter, type Prepared } from "../entity.ts";
import { field, rowSchema } from "../fields.ts";
import { INLINE_CUSTOMER_FIELDS_WITH_NAME, InlineCustomers, rowCustomers } from "../inline-customers.ts";

const fields = {
  external_id: field.id({
    required: true,
    aliases: [
      "response id",
      "respondent id",
      "submission id",
      "answer id",
      "id",
      "答卷编号",
      "答卷ID",
      "回复ID",
      "序号",
    ],
    description: "The survey tool's response id; re-importing the same id updates the answer.",
  }),
  customer: field.customer({
    required: false,
    aliases: ["customer id", "customer external id", "user id", "member id", "客户编号", "客户ID", "会员ID", "用户ID"],
    description:
      "Customer external id; blank or unknown ids are stored without a customer (counted in the notes), unless the file also has customer columns (name, e-mail, phone ...): then unknown customers are created.",
  }),
  score: field.integer(
    0,
    10,
  )({
    required: true,
    aliases: [
      "nps",
      "nps score",
      "rating",
      "likelihood to recommend",
      "recommend",
      "评分",
      "分数",
      "得分",
      "推荐意愿",
      "推荐分",
    ],
    description: "0-10: promoters 9-10, passives 7-8, detractors 0-6.",
  }),
  responded_at: field.timestamp({
    required: true,
    aliases: [
      "submitted at",
      "submitted",
      "response date",
      "date",
      "time",
      "timestamp",
      "提交时间",
      "答题时间",
      "时间",
      "日期",
    ],
    description: "When the answer was given; without an offset it is read in the configured time zone.",
  }),
  source: field.text({
    required: false,
    aliases: ["survey", "channel", "来源", "渠道"],
    description: "Where the answer came from (blank means survey).",
  }),
  comment: field.longText({
    required: false,
    aliases: ["comments", "feedback", "reason", "why", "remark", "评论", "意见", "反馈", "原因", "备注"],
    description: "The respondent's words, stored verbatim.",
  }),
  ...INLINE_CUSTOMER_FIELDS_WITH_NAME,
};

/** Imports NPS answers; upserts on external_id. */
export const npsImporter = defineImporter({
  entity: "nps",
  description: "Net Promoter Score answers from a survey tool.",
  fields,
  needsChannels: () => false,
  keyDescription: "response id (external_id)",
  duplicates: "error",
  target: {
    table: "nps_responses",
    conflict: ["external_id"],
    columns: [
      { name: "external_id", type: "text" },
      {
        name: "customer_id",
        type: "bigint",
        fields: ["customer", "customer_email", "customer_phone", "customer_name"],
      },
      { name: "score", type: "smallint" },
      { name: "responded_at", type: "timestamptz" },
      { name: "source", type: "text", fields: ["source"] },
      { name: "comment", type: "text", fields: ["comment"] },
    ],
  },
  schema: (context) => rowSchema(fields, context),
  async prepare(rows, session) {
    const customers = await rowCustomers(rows, (r) => r.responded_at, session, { required: false, unknown: "none" });
    const out: Prepared = { records: [], problems: [...customers.problems] };
    for (const { line, value: row } of rows) {
      const customerId = customers.ids.get(line);
      if (customerId === undefined) continue;
      out.records.push({
        line,
        value: {
          external_id: row.external_id,
          customer_id: customerId,
          score: row.score,
          responded_at: row.responded_at,
          source: row.source ?? "survey",
          comment: row.comment,
        },
      });
    }
    return out;
  },
  async finish(session) {
    const customers = InlineCustomers.of(session);
    await customers.settleSignupDates(session, "nps_responses", "responded_at");
    customers.report(session);
    return undefined;
  },
});
