// The harder half of the golden set: questions that need 2-4 tool calls, a follow-up turn, arithmetic on the
// results (differences, percentages, shares) or citations from the playbook. Real models failed these while
// scoring 100% on single-tool questions (issue 18).
import { addDays } from "../../tools/period.ts";
import type { DerivedNumber, GoldenCase, Periods } from "./golden-set.ts";

type Range = { start: string; end: string };

function named(p: Periods, name: string): Range {
  const found = p[name];
  if (!found) throw new Error(`golden set: unknown period "${name}"; known: ${Object.keys(p).join(", ")}`);
  return { start: found[0], end: found[1] };
}

const lastWeek = (p: Periods) => named(p, "last week (Mon-Sun)");
const lastMonth = (p: Periods) => named(p, "last month");

/** The Monday-Sunday week before last week. */
function weekBefore(p: Periods): Range {
  const week = lastWeek(p);
  return { start: addDays(week.start, -7), end: addDays(week.end, -7) };
}

/** The calendar month before last month. */
function monthBefore(p: Periods): Range {
  const end = addDays(lastMonth(p).start, -1);
  return { start: `${end.slice(0, 8)}01`, end };
}

/**
 * A KPI call over one period. The reference groups by `group_by` ([] = one total row) without a comparison; an
 * answer may group or compare its own way unless a number needs the grouping, so only a non-empty group_by is scored.
 */
function kpiCall(period: (p: Periods) => Range, group_by: string[] = []) {
  return {
    tool: "compute_kpis",
    args: (p: Periods) => ({ ...period(p), group_by, compare: "none" }),
    unscoredArgs: group_by.length > 0 ? ["compare"] : ["compare", "group_by"],
  };
}

const change = (path: string): DerivedNumber => ({
  op: "percent_change",
  inputs: [
    [1, path],
    [0, path],
  ],
});
const difference = (a: [number, string], b: [number, string]): DerivedNumber => ({ op: "difference", inputs: [a, b] });
const share = (part: [number, string], whole: [number, string]): DerivedNumber => ({
  op: "share",
  inputs: [part, whole],
});
const whatIf = (from: string, to: string, amount_pct: number) => ({ from, to, amount_pct });
const search = (query: string) => ({
  tool: "search_knowledge",
  args: () => ({ query }),
  unscoredArgs: ["query"],
  numbers: [],
});

export const MULTI_STEP_SET: readonly GoldenCase[] = [
  // Manager summaries: this period and the one before, with the change.
  {
    id: "ms-summary-last-week",
    language: "en",
    role: "manager",
    question: "Give me a summary of last week for the leadership meeting: what moved and why.",
    ...kpiCall(lastWeek, ["channel"]),
    numbers: ["totals.revenue", "totals.spend"],
    also: [{ ...kpiCall(weekBefore, ["channel"]), numbers: ["totals.revenue"] }],
    derived: [change("totals.revenue")],
  },
  {
    id: "ms-summary-last-week-zh",
    language: "zh",
    role: "manager",
    question: "帮我准备上周的管理层周会摘要:哪些指标变了,为什么?",
    ...kpiCall(lastWeek, ["channel"]),
    numbers: ["totals.revenue", "totals.roas"],
    also: [{ ...kpiCall(weekBefore, ["channel"]), numbers: ["totals.revenue"] }],
    derived: [change("totals.revenue")],
  },
  {
    id: "ms-summary-last-month-complaints",
    language: "en",
    role: "manager",
    question:
      "Summarise last month for the leadership meeting: revenue, ROAS and how many customer complaints we logged.",
    ...kpiCall(lastMonth),
    numbers: ["totals.revenue", "totals.roas"],
    also: [{ tool: "feedback_insights", args: lastMonth, numbers: ["total_tickets"] }],
  },
  {
    id: "ms-summary-last-month-complaints-zh",
    language: "zh",
    role: "manager",
    question: "给管理层做一份上个月的总结:收入、ROAS,以及我们记录了多少客诉。",
    ...kpiCall(lastMonth),
    numbers: ["totals.revenue", "totals.roas"],
    also: [{ tool: "feedback_insights", args: lastMonth, numbers: ["total_tickets"] }],
  },
  {
    id: "ms-spend-mtd-vs-last-month",
    language: "en",
    role: "manager",
    question: "How much have we spent on ads this month so far, and what share of last month's total spend is that?",
    tool: "list_channels",
    args: (p) => named(p, "this month to date"),
    numbers: ["total_spend"],
    also: [{ tool: "list_channels", args: lastMonth, numbers: ["total_spend"] }],
    derived: [share([0, "total_spend"], [1, "total_spend"])],
  },

  // Comparisons across two periods.
  {
    id: "cmp-revenue-months",
    language: "en",
    role: "marketer",
    question: "Compare revenue last month with the month before: how much did it change, in CNY and in percent?",
    ...kpiCall(lastMonth),
    numbers: ["totals.revenue"],
    also: [{ ...kpiCall(monthBefore), numbers: ["totals.revenue"] }],
    derived: [difference([0, "totals.revenue"], [1, "totals.revenue"]), change("totals.revenue")],
  },
  {
    id: "cmp-revenue-months-zh",
    language: "zh",
    role: "manager",
    question: "上个月和再上个月相比,收入变化了多少?金额和百分比分别是多少?",
    ...kpiCall(lastMonth),
    numbers: ["totals.revenue"],
    also: [{ ...kpiCall(monthBefore), numbers: ["totals.revenue"] }],
    derived: [difference([0, "totals.revenue"], [1, "totals.revenue"]), change("totals.revenue")],
  },
  {
    id: "cmp-spend-quarters",
    language: "en",
    role: "manager",
    question: "How does ad spend this quarter so far compare with the whole of last quarter? Give both and the ratio.",
    ...kpiCall((p) => named(p, "this quarter to date")),
    numbers: ["totals.spend"],
    also: [{ ...kpiCall((p) => named(p, "last quarter")), numbers: ["totals.spend"] }],
    derived: [share([0, "totals.spend"], [1, "totals.spend"])],
  },
  {
    id: "cmp-douyin-spend-months-zh",
    language: "zh",
    role: "marketer",
    question: "douyin_ads 渠道上个月的花费比再上个月多了(或少了)多少?",
    tool: "list_channels",
    args: lastMonth,
    numbers: ["channels[code=douyin_ads].spend"],
    also: [{ tool: "list_channels", args: monthBefore, numbers: ["channels[code=douyin_ads].spend"] }],
    derived: [difference([0, "channels[code=douyin_ads].spend"], [1, "channels[code=douyin_ads].spend"])],
  },
  {
    id: "cmp-new-customers-weeks",
    language: "en",
    role: "marketer",
    question: "Did we win more new customers last week than the week before? By how many?",
    ...kpiCall(lastWeek),
    numbers: ["totals.new_customers"],
    also: [{ ...kpiCall(weekBefore), numbers: ["totals.new_customers"] }],
    derived: [difference([0, "totals.new_customers"], [1, "totals.new_customers"])],
  },
  {
    id: "cmp-orders-weeks-zh",
    language: "zh",
    role: "marketer",
    question: "上周的订单数和前一周相比变化了百分之多少?",
    ...kpiCall(lastWeek),
    numbers: ["totals.orders"],
    also: [{ ...kpiCall(weekBefore), numbers: ["totals.orders"] }],
    derived: [change("totals.orders")],
  },
  {
    id: "cmp-channel-share-last-month",
    language: "en",
    role: "marketer",
    question: "Which channel spent the most last month, and what share of total ad spend was that?",
    tool: "list_channels",
    args: lastMonth,
    numbers: ["channels[0].spend", "total_spend"],
    derived: [share([0, "channels[0].spend"], [0, "total_spend"])],
  },

  // High-value customers who went quiet, and their tickets.
  {
    id: "quiet-high-value-tickets",
    language: "en",
    role: "support",
    question: "Which high-value customers went quiet, and do they have open tickets?",
    tool: "segment_customers",
    args: () => ({ dimension: "lifecycle", tier: "high" }),
    numbers: ["rows[segment=at_risk].customers", "rows[segment=win_back_candidate].customers"],
    also: [{ tool: "list_tickets", args: () => ({ open_only: true, value_tier: "high" }), numbers: ["total"] }],
  },
  {
    id: "quiet-high-value-tickets-zh",
    language: "zh",
    role: "marketer",
    question: "哪些高价值客户最近不下单了?他们有没有未处理的工单?",
    tool: "segment_customers",
    args: () => ({ dimension: "lifecycle", tier: "high" }),
    numbers: ["rows[segment=at_risk].customers", "rows[segment=win_back_candidate].customers"],
    also: [{ tool: "list_tickets", args: () => ({ open_only: true, value_tier: "high" }), numbers: ["total"] }],
  },
  {
    id: "winback-and-p1",
    language: "en",
    role: "support",
    question: "How many high-value win-back candidates do we have, and how many open P1 tickets are waiting?",
    tool: "segment_customers",
    args: () => ({ dimension: "lifecycle", tier: "high" }),
    numbers: ["rows[segment=win_back_candidate].customers"],
    also: [{ tool: "list_tickets", args: () => ({ open_only: true, priority: ["P1"] }), numbers: ["total"] }],
  },
  {
    id: "open-high-value-share-zh",
    language: "zh",
    role: "support",
    question: "现在有多少未关闭的工单?其中高价值客户的占多少比例?",
    tool: "list_tickets",
    args: () => ({ open_only: true }),
    numbers: ["total"],
    also: [{ tool: "list_tickets", args: () => ({ open_only: true, value_tier: "high" }), numbers: ["total"] }],
    derived: [share([1, "total"], [0, "total"])],
  },

  // Knowledge and data together: the answer cites the playbook passage it relies on.
  {
    id: "kd-at-risk-playbook-zh",
    language: "zh",
    role: "marketer",
    question: "有多少高价值客户处于流失风险阶段?按运营手册应该怎么挽回?请注明出处。",
    tool: "segment_customers",
    args: () => ({ dimension: "lifecycle", tier: "high" }),
    numbers: ["rows[segment=at_risk].customers"],
    also: [search("有流失风险的高价值客户 挽回")],
    cites: ["customer-lifecycle.md"],
  },
  {
    id: "kd-overclaim-rule",
    language: "en",
    role: "marketer",
    question:
      "How much did the ad platforms over-claim conversions last month, and what does our playbook say we should do about it? Cite the rule.",
    tool: "reconcile_platform_conversions",
    args: lastMonth,
    numbers: ["totals.overstatement_ratio"],
    also: [search("platform over-claim de-duplication rule")],
    cites: ["attribution-and-deduplication.md"],
  },
  {
    id: "kd-overclaim-rule-zh",
    language: "zh",
    role: "manager",
    question: "上个月各平台一共认领了多少转化,比真实订单多多少?按我们的排重规则该怎么处理?请注明出处。",
    tool: "reconcile_platform_conversions",
    args: lastMonth,
    numbers: ["totals.claims", "totals.real_orders"],
    also: [search("平台转化排重 规则")],
    derived: [difference([0, "totals.claims"], [0, "totals.real_orders"])],
    cites: ["zh-attribution-dedup.md"],
  },
  {
    id: "kd-roas-definition",
    language: "en",
    role: "marketer",
    question: "What was our ROAS last month, and how do our KPI definitions define ROAS? Cite the definition.",
    ...kpiCall(lastMonth),
    numbers: ["totals.roas"],
    also: [search("ROAS definition return on ad spend")],
    cites: ["kpi-definitions.md"],
  },
  {
    id: "kd-nps-definition-zh",
    language: "zh",
    role: "manager",
    question: "上季度的 NPS 是多少?推荐者和贬损者是怎么定义的?请引用指标定义。",
    ...kpiCall((p) => named(p, "last quarter")),
    numbers: ["totals.nps"],
    also: [search("NPS 推荐者 贬损者 定义")],
    cites: ["kpi-definitions.md"],
  },
  {
    id: "kd-weekly-summary-playbook",
    language: "en",
    role: "manager",
    question:
      "Write the Monday weekly summary the way our playbook prescribes, with last week's revenue and ROAS. Cite the playbook.",
    ...kpiCall(lastWeek, ["channel"]),
    numbers: ["totals.revenue", "totals.roas"],
    also: [search("Monday weekly summary for managers")],
    cites: ["zh-weekly-review.md"],
  },
  {
    id: "kd-p1-response-time",
    language: "en",
    role: "support",
    question:
      "How many open P1 tickets do we have, and how fast does the playbook say we must respond to them? Cite it.",
    tool: "list_tickets",
    args: () => ({ open_only: true, priority: ["P1"] }),
    numbers: ["total"],
    also: [search("complaint priority P1 response time")],
    cites: ["feedback-handling.md"],
  },
  {
    id: "kd-high-tier-revenue-zh",
    language: "zh",
    role: "marketer",
    question: "高价值客户贡献了多少收入?手册建议给高价值客户哪些专属服务?请引用。",
    tool: "segment_customers",
    args: () => ({ dimension: "value_tier" }),
    numbers: ["rows[segment=high].revenue"],
    also: [search("高价值客户 专属服务 运营策略")],
    cites: ["zh-customer-tiering.md"],
  },
  {
    id: "kd-budget-limits",
    language: "en",
    role: "manager",
    question:
      "How should we split the ad budget over the next 4 weeks, and what limits does the playbook put on budget changes? Cite it.",
    tool: "recommend_budget",
    args: () => ({ horizon_weeks: 4 }),
    numbers: ["totals.budget"],
    also: [search("limits on budget changes per cycle")],
    cites: ["budget-rules.md"],
  },

  // What-ifs in percent: recommend_budget's move with amount_pct (nothing is saved).
  {
    id: "whatif-baidu-to-douyin-20pct",
    language: "en",
    role: "manager",
    question:
      "What if we move 20% of Baidu's budget to Douyin over the next 4 weeks? How much money moves, and by what percent would expected revenue change?",
    tool: "recommend_budget",
    args: () => ({ move: whatIf("baidu_search", "douyin_ads", 20) }),
    numbers: ["what_if.amount", "what_if.expected_change"],
    derived: [share([0, "what_if.expected_change"], [0, "totals.expected_outcome_current"])],
  },
  {
    id: "whatif-baidu-to-douyin-20pct-zh",
    language: "zh",
    role: "manager",
    question: "如果把百度搜索预算的20%挪到抖音,未来4周会挪多少钱?预期收入变化多少,变化百分比是多少?",
    tool: "recommend_budget",
    args: () => ({ move: whatIf("baidu_search", "douyin_ads", 20) }),
    numbers: ["what_if.amount", "what_if.expected_change"],
    derived: [share([0, "what_if.expected_change"], [0, "totals.expected_outcome_current"])],
  },
  {
    id: "whatif-wechat-two-options",
    language: "en",
    role: "manager",
    question:
      "Compare two what-ifs for the next 4 weeks: moving 10% of wechat_ads to xiaohongshu, or 10% of wechat_ads to douyin_ads. Which gives more expected revenue, and by how much?",
    tool: "recommend_budget",
    args: () => ({ move: whatIf("wechat_ads", "xiaohongshu", 10) }),
    numbers: ["what_if.expected_change"],
    also: [
      {
        tool: "recommend_budget",
        args: () => ({ move: whatIf("wechat_ads", "douyin_ads", 10) }),
        numbers: ["what_if.expected_change"],
      },
    ],
    derived: [difference([0, "what_if.expected_change"], [1, "what_if.expected_change"])],
  },
  {
    id: "whatif-kol-two-options-zh",
    language: "zh",
    role: "manager",
    question: "未来4周把 kol 预算的30%挪到 wechat_ads,或者挪到 douyin_ads,哪个方案预期收入更高?差多少?",
    tool: "recommend_budget",
    args: () => ({ move: whatIf("kol", "wechat_ads", 30) }),
    numbers: ["what_if.expected_change"],
    also: [
      {
        tool: "recommend_budget",
        args: () => ({ move: whatIf("kol", "douyin_ads", 30) }),
        numbers: ["what_if.expected_change"],
      },
    ],
    derived: [difference([0, "what_if.expected_change"], [1, "what_if.expected_change"])],
  },

  // Follow-up turns in the same thread.
  {
    id: "fu-revenue-then-douyin-share",
    language: "en",
    role: "marketer",
    question: "What was our revenue last month?",
    ...kpiCall(lastMonth),
    numbers: ["totals.revenue"],
    followUp: "And what share of that came from douyin_ads?",
    also: [
      {
        ...kpiCall(lastMonth, ["channel"]),
        numbers: ["rows[key.channel=douyin_ads].revenue"],
        turn: 1,
      },
    ],
    derived: [share([1, "rows[key.channel=douyin_ads].revenue"], [1, "totals.revenue"])],
  },
  {
    id: "fu-spend-then-top-share-zh",
    language: "zh",
    role: "marketer",
    question: "上个月的广告花费一共是多少?",
    tool: "list_channels",
    args: lastMonth,
    numbers: ["total_spend"],
    followUp: "其中花费最多的渠道占了多少比例?",
    also: [{ tool: "list_channels", args: lastMonth, numbers: ["channels[0].spend"], turn: 1 }],
    derived: [share([1, "channels[0].spend"], [1, "total_spend"])],
  },
  {
    id: "fu-tickets-then-high-value",
    language: "en",
    role: "support",
    question: "How many support tickets are still open?",
    tool: "list_tickets",
    args: () => ({ open_only: true }),
    numbers: ["total"],
    followUp: "How many of those are from high-value customers?",
    also: [
      { tool: "list_tickets", args: () => ({ open_only: true, value_tier: "high" }), numbers: ["total"], turn: 1 },
    ],
  },
  {
    id: "fu-markov-then-last-touch",
    language: "en",
    role: "marketer",
    question: "With Markov attribution, how many conversions did we attribute in total last quarter?",
    tool: "compute_attribution",
    args: (p) => ({ ...named(p, "last quarter"), model: "markov" }),
    numbers: ["totals.conversions"],
    followUp: "And which channel gets the most conversions under last-touch attribution?",
    also: [
      {
        tool: "compute_attribution",
        args: (p) => ({ ...named(p, "last quarter"), model: "last_touch" }),
        numbers: ["rows[0].conversions"],
        turn: 1,
      },
    ],
  },
  {
    id: "fu-claims-then-excess-zh",
    language: "zh",
    role: "marketer",
    question: "上个月各广告平台一共认领了多少转化?",
    tool: "reconcile_platform_conversions",
    args: lastMonth,
    numbers: ["totals.claims"],
    followUp: "比真实订单多了多少?",
    also: [{ tool: "reconcile_platform_conversions", args: lastMonth, numbers: ["totals.real_orders"], turn: 1 }],
    derived: [difference([1, "totals.claims"], [1, "totals.real_orders"])],
  },
  {
    id: "fu-revenue-then-mom-zh",
    language: "zh",
    role: "manager",
    question: "上个月收入是多少?",
    ...kpiCall(lastMonth),
    numbers: ["totals.revenue"],
    followUp: "跟再上个月比,增长(或下降)了百分之多少?",
    also: [
      { ...kpiCall(lastMonth), numbers: [], turn: 1 },
      { ...kpiCall(monthBefore), numbers: ["totals.revenue"], turn: 1 },
    ],
    derived: [
      {
        op: "percent_change",
        inputs: [
          [2, "totals.revenue"],
          [1, "totals.revenue"],
        ],
      },
    ],
  },
];
