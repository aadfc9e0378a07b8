// tickets: feedback tickets as helpdesks export them (Zendesk, Freshdesk, Udesk 工单 ...), keyed by the helpdesk's
// ticket id. The customer is optional, named by id, or by e-mail / phone / name when the file carries customer
// columns: then unknown customers are created in the import's transaction (inline-customers.ts), as for NPS answers.
// The vocabulary is feedback_tickets' CHECK constraints (0001_core.sql); tools/tickets/ticket-enums.ts holds the same
// lists for the tools (db/ cannot import tools/).
import { defineImporter, type Prepared } from "../entity.ts";
import { blankAllowed, field, rowSchema } from "../fields.ts";
import { INLINE_CUSTOMER_FIELDS, InlineCustomers, rowCustomers } from "../inline-customers.ts";

/** Prefix of an imported ticket's idempotency key: a helpdesk id never collides with a Slack event id. */
export const TICKET_KEY_PREFIX = "import:";

type Severity = "low" | "medium" | "high" | "critical";
type Priority = "P1" | "P2" | "P3" | "P4";

// Without a priority column: the priority rule's row for a customer of unknown value tier (ticketPriority(null, ...)
// in tools/tickets/ticket-enums.ts, neutral sentiment); customer_tier stays null, which the tools read as "compute now".
const PRIORITY_OF_SEVERITY: Record<Severity, Priority> = { critical: "P2", high: "P2", medium: "P3", low: "P4" };
// Without a severity column: the severity a helpdesk priority stands for (Zendesk Urgent = P1 = critical).
const SEVERITY_OF_PRIORITY: Record<Priority, Severity> = { P1: "critical", P2: "high", P3: "medium", P4: "low" };

const customerFields = {
  ...INLINE_CUSTOMER_FIELDS,
  customer_name: blankAllowed(INLINE_CUSTOMER_FIELDS.customer_name, {
    required: false,
    aliases: ["requester", "requester name", "联系人", "联系人姓名", ...INLINE_CUSTOMER_FIELDS.customer_name.aliases],
  }),
  customer_email: blankAllowed(INLINE_CUSTOMER_FIELDS.customer_email, {
    required: false,
    aliases: ["requester email", "联系人邮箱", ...INLINE_CUSTOMER_FIELDS.customer_email.aliases],
  }),
  customer_phone: blankAllowed(INLINE_CUSTOMER_FIELDS.customer_phone, {
    required: false,
    aliases: ["requester phone", "联系人电话", "联系电话", ...INLINE_CUSTOMER_FIELDS.customer_phone.aliases],
  }),
};

const fields = {
  external_id: field.id({
    required: true,
    aliases: ["ticket id", "ticket number", "ticket no", "ticket", "id", "工单编号", "工单ID", "工单号", "编号"],
    description:
      "The helpdesk's ticket id; re-importing the same id updates the ticket (stored as the idempotency key import:<id>).",
  }),
  customer: field.customer({
    required: false,
    aliases: [
      "customer id",
      "customer external id",
      "requester id",
      "user id",
      "member id",
      "客户编号",
      "客户ID",
      "会员ID",
    ],
    description:
      "Customer external id; blank or unknown ids are stored without a customer (counted in the notes), unless the file also has customer columns (name, e-mail, phone ...): then unknown customers are created.",
  }),
  created_at: field.timestamp({
    required: true,
    aliases: ["created", "created at", "date created", "submitted at", "date", "创建时间", "提交时间", "时间", "日期"],
    description: "When the ticket was filed; without an offset it is read in the configured time zone.",
  }),
  // Earlier spellings win when an export has several: the description over the subject line.
  body: field.longText({
    required: true,
    aliases: [
      "description",
      "content",
      "message",
      "comment",
      "subject",
      "问题描述",
      "工单内容",
      "内容",
      "描述",
      "标题",
    ],
    description: "What the customer reported, stored verbatim (at most 10,000 characters).",
  }),
  source_channel: field.enumeration(["phone", "email", "social", "survey", "in_store", "chat", "review_site"], {
    call: "phone",
    "phone call": "phone",
    voice: "phone",
    hotline: "phone",
    电话: "phone",
    热线: "phone",
    mail: "email",
    "e-mail": "email",
    邮件: "email",
    邮箱: "email",
    "live chat": "chat",
    messaging: "chat",
    web: "chat",
    "web form": "chat",
    "web widget": "chat",
    whatsapp: "chat",
    wechat: "chat",
    微信: "chat",
    在线: "chat",
    在线客服: "chat",
    网页: "chat",
    twitter: "social",
    facebook: "social",
    instagram: "social",
    weibo: "social",
    微博: "social",
    小红书: "social",
    抖音: "social",
    社交媒体: "social",
    问卷: "survey",
    store: "in_store",
    "in store": "in_store",
    shop: "in_store",
    门店: "in_store",
    店内: "in_store",
    review: "review_site",
    reviews: "review_site",
    点评: "review_site",
    大众点评: "review_site",
    评价: "review_site",
  })({
    required: true,
    aliases: ["source", "via", "channel", "ticket channel", "来源", "渠道", "渠道来源", "来源渠道"],
    description:
      "Where the report came in: phone, email, social, survey, in_store, chat or review_site (also web form / live chat = chat, 电话, 邮件, 微信, 微博, 门店, 点评 ...).",
  }),
  category: field.enumeration(
    ["ad_promise", "pricing", "product_quality", "delivery", "service", "website_app", "billing", "other"],
    {
      "ad promise": "ad_promise",
      advertising: "ad_promise",
      广告: "ad_promise",
      广告承诺: "ad_promise",
      price: "pricing",
      价格: "pricing",
      quality: "product_quality",
      product: "product_quality",
      质量: "product_quality",
      产品质量: "product_quality",
      shipping: "delivery",
      logistics: "delivery",
      物流: "delivery",
      配送: "delivery",
      发货: "delivery",
      customer_service: "service",
      "customer service": "service",
      服务: "service",
      客服: "service",
      website: "website_app",
      app: "website_app",
      网站: "website_app",
      应用: "website_app",
      payment: "billing",
      invoice: "billing",
      refund: "billing",
      账单: "billing",
      支付: "billing",
      退款: "billing",
      发票: "billing",
      其他: "other",
    },
  )({
    required: false,
    // Not "Type": a Zendesk export's Type is question / incident / problem / task, not a topic.
    aliases: ["topic", "问题分类", "分类", "类别", "问题类型", "工单类型"],
    description:
      "ad_promise, pricing, product_quality, delivery, service, website_app, billing or other (also shipping, refund, 物流, 质量, 退款 ...); blank or absent means other.",
  }),
  severity: field.enumeration(["low", "medium", "high", "critical"], {
    minor: "low",
    normal: "medium",
    moderate: "medium",
    major: "high",
    severe: "high",
    blocker: "critical",
    低: "low",
    一般: "medium",
    中: "medium",
    高: "high",
    严重: "high",
    紧急: "critical",
  })({
    required: false,
    aliases: ["impact", "严重程度", "严重性", "影响程度"],
    description:
      "low, medium, high or critical; blank or absent: from the priority (P1 critical, P2 high, P3 medium, P4 low), else medium.",
  }),
  priority: field.enumeration(["P1", "P2", "P3", "P4"], {
    urgent: "P1",
    high: "P2",
    normal: "P3",
    medium: "P3",
    low: "P4",
    紧急: "P1",
    高: "P2",
    中: "P3",
    普通: "P3",
    一般: "P3",
    低: "P4",
  })({
    required: false,
    aliases: ["优先级", "紧急程度"],
    description:
      "P1-P4, or the helpdesk's Urgent / High / Normal / Low (紧急 / 高 / 普通 / 低); blank or absent: from the severity as for a customer of unknown value (critical or high P2, medium P3, low P4).",
  }),
  sentiment: field.enumeration(["negative", "neutral", "positive"], {
    bad: "negative",
    good: "positive",
    负面: "negative",
    中性: "neutral",
    正面: "positive",
    差评: "negative",
    好评: "positive",
  })({
    required: false,
    aliases: ["情绪", "情感", "情感倾向"],
    description: "negative, neutral or positive; blank or absent means neutral.",
  }),
  status: field.enumeration(["new", "triaged", "in_progress", "resolved", "followed_up", "closed"], {
    open: "triaged",
    pending: "in_progress",
    "on-hold": "in_progress",
    hold: "in_progress",
    "in progress": "in_progress",
    solved: "resolved",
    "followed up": "followed_up",
    待处理: "new",
    新建: "new",
    已分配: "triaged",
    处理中: "in_progress",
    挂起: "in_progress",
    已解决: "resolved",
    已回访: "followed_up",
    已关闭: "closed",
  })({
    required: false,
    aliases: ["ticket status", "state", "状态", "工单状态"],
    description:
      "new, triaged, in_progress, resolved, followed_up or closed (also Zendesk's Open = triaged, Pending / On-hold = in_progress, Solved = resolved; 处理中, 已解决, 已关闭 ...); blank or absent means new.",
  }),
  assignee: field.text({
    required: false,
    aliases: ["agent", "owner", "assigned to", "负责人", "处理人", "受理人", "客服"],
    description: "Who works on the ticket.",
  }),
  reporter: field.text({
    required: false,
    aliases: ["submitter", "created by", "提交人", "创建人", "记录人"],
    description: "Who filed it in the helpdesk; blank or absent means import.",
  }),
  resolution: field.longText({
    required: false,
    aliases: ["solution", "处理结果", "解决方案", "处理意见"],
    description: "How it was resolved, stored verbatim.",
  }),
  resolved_at: field.timestamp({
    required: false,
    aliases: ["solved at", "resolved", "date solved", "解决时间", "完成时间"],
    description: "When it was resolved.",
  }),
  updated_at: field.timestamp({
    required: false,
    aliases: ["updated", "last updated", "updated at", "更新时间", "最后更新时间"],
    description:
      "The ticket's last change; blank or absent: resolved_at, else created_at (reminders of untouched P1s read it).",
  }),
  ...customerFields,
};

/** Imports feedback tickets; upserts on the helpdesk's ticket id. */
export const ticketsImporter = defineImporter({
  entity: "tickets",
  description:
    "Feedback tickets from a helpdesk export (Zendesk, Freshdesk, Udesk 工单 ...), naming the customer by id, e-mail, phone or name.",
  fields,
  needsChannels: () => false,
  keyDescription: "ticket id (external_id)",
  duplicates: "error",
  target: {
    table: "feedback_tickets",
    conflict: ["idempotency_key"],
    columns: [
      { name: "idempotency_key", type: "text" },
      {
        name: "customer_id",
        type: "bigint",
        fields: ["customer", "customer_email", "customer_phone", "customer_name"],
      },
      { name: "source_channel", type: "text" },
      { name: "category", type: "text" },
      { name: "sentiment", type: "text" },
      { name: "severity", type: "text" },
      { name: "priority", type: "text" },
      { name: "status", type: "text" },
      { name: "body", type: "text" },
      { name: "reporter", type: "text" },
      { name: "assignee", type: "text", fields: ["assignee"] },
      { name: "resolution", type: "text", fields: ["resolution"] },
      { name: "created_at", type: "timestamptz" },
      { name: "updated_at", type: "timestamptz" },
      { name: "resolved_at", type: "timestamptz", fields: ["resolved_at"] },
    ],
  },
  schema: (context) => rowSchema(fields, context),
  async prepare(rows, session) {
    const customers = await rowCustomers(rows, (r) => r.created_at, session, { required: false, unknown: "none" });
    const out: Prepared = { records: [], problems: [...customers.problems] };
    for (const { line, value: row } of rows) {
      const customerId = customers.ids.get(line);
      if (customerId === undefined) continue;
      const severity = row.severity ?? (row.priority ? SEVERITY_OF_PRIORITY[row.priority] : "medium");
      out.records.push({
        line,
        value: {
          idempotency_key: `${TICKET_KEY_PREFIX}${row.external_id}`,
          customer_id: customerId,
          source_channel: row.source_channel,
          category: row.category ?? "other",
          sentiment: row.sentiment ?? "neutral",
          severity,
          priority: row.priority ?? PRIORITY_OF_SEVERITY[severity],
          status: row.status ?? "new",
          body: row.body,
          reporter: row.reporter ?? "import",
          assignee: row.assignee,
          resolution: row.resolution,
          created_at: row.created_at,
          updated_at: row.updated_at ?? row.resolved_at ?? row.created_at,
          resolved_at: row.resolved_at,
        },
      });
    }
    return out;
  },
  async finish(session) {
    const customers = InlineCustomers.of(session);
    await customers.settleSignupDates(session, "feedback_tickets", "created_at");
    customers.report(session);
    return undefined;
  },
});
