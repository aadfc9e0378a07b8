/**
 * Which tools one question plausibly needs. Sending the model every tool costs ~10,700 prompt tokens per call;
 * a keyword router (English and Chinese) picks groups instead, errs inclusive, falls back to every tool the role
 * may use when nothing matches, and the model can ask for more groups with the `more_tools` tool.
 */

/** A family of tools that answer one kind of question. */
export interface ToolGroup {
  name: string;
  /** One line for the more_tools description: what the group can do. */
  summary: string;
  tools: readonly string[];
  /** Lowercase stems; a question containing any of them needs the group. */
  keywords: readonly string[];
}

/** Tools every question gets: the KPI table answers most questions, describe_data says what exists. */
export const CORE_TOOLS: readonly string[] = ["compute_kpis", "describe_data"];

/** Keywords written as "a|b|c": one line per language reads better than a column of strings. */
function terms(...lists: string[]): string[] {
  return lists.flatMap((list) => list.split("|"));
}

export const TOOL_GROUPS: readonly ToolGroup[] = [
  {
    name: "kpis",
    summary: "KPI table (revenue, spend, ROAS, CAC, CTR...) by channel, campaign, region, period",
    tools: ["compute_kpis", "describe_data"],
    keywords: terms(
      "kpi|revenue|spend|roas|roi|cac|ctr|cvr|cpc|cpm|cpa|aov|order|sales|impression|click|conversion rate|retention|churn|nps|summar|report|moved|week|month|quarter|year|performance|trend|growth",
      "收入|营收|销售|花费|支出|投入|订单|点击|曝光|转化率|复购|留存|流失|总结|汇总|周报|月报|表现|趋势|增长",
    ),
  },
  {
    name: "summary",
    summary: "summarize_period: a period's KPIs with change, movers and their drivers",
    tools: ["summarize_period"],
    keywords: terms(
      "summar|overview|recap|digest|what happened|what changed|leadership|weekly|monthly|how did we do|how are we doing",
      "总结|汇总|周报|月报|概况|复盘|发生了什么",
    ),
  },
  {
    name: "anomalies",
    summary: "detect_anomalies: unusual days per channel, campaign and ticket category, with expected range and driver",
    tools: ["detect_anomalies"],
    keywords: terms(
      "unusual|anomal|abnormal|spike|surge|outage|broke|went wrong|drop|plunge|jump|weird|strange|odd|alert|what happened",
      "异常|突增|暴涨|骤降|暴跌|下滑|波动|出问题|不正常|告警|发生了什么",
    ),
  },
  {
    name: "channels",
    summary: "list_channels and list_campaigns: what runs where, budgets, dates",
    tools: ["list_channels", "list_campaigns"],
    keywords: terms("channel|campaign|platform", "渠道|活动|投放|平台|广告系列"),
  },
  {
    name: "attribution",
    summary: "compute_attribution: credit per channel (last/first touch, linear, time decay, Markov, Shapley)",
    tools: ["compute_attribution"],
    keywords: terms("attribut|credit|touch|markov|shapley|why|driver|contribut", "归因|贡献|触点|为什么|原因"),
  },
  {
    name: "reconcile",
    summary: "reconcile_platform_conversions: platform-claimed conversions against real orders",
    tools: ["reconcile_platform_conversions"],
    keywords: terms(
      "reconcil|claim|over-report|overreport|double count|platform|discrepan",
      "对账|声称|虚报|多报|平台",
    ),
  },
  {
    name: "customers",
    summary: "find_customers, get_customer_profile, segment_customers (RFM, tiers, lifecycle), estimate_clv",
    tools: ["find_customers", "get_customer_profile", "segment_customers", "estimate_clv"],
    keywords: terms(
      "customer|segment|rfm|clv|lifetime|cohort|vip|at risk|at-risk|lapsed|loyal|champion|profile|who is|who are|tier",
      "客户|用户|会员|分群|细分|分层|生命周期|价值|流失风险|画像",
    ),
  },
  {
    name: "growth",
    summary: "cohorts, funnel, forecast",
    tools: ["cohort_retention", "compute_funnel", "forecast_metric"],
    keywords: terms(
      "cohort|retain|retention|come back|came back|repeat buy|stick around|funnel|drop off|drop-off|dropoff|where do we lose|lose people|click to purchase|click and purchase|conversion path|forecast|predict|projection|will we hit|on track|pacing|target|by month end|end of the month",
      "同期群|群组|队列|留存|回购|复购|回头客|漏斗|流失在|转化路径|从点击到购买|哪一步|预测|预计|预估|目标|达成|完成率|能不能完成|月底|进度",
    ),
  },
  {
    name: "budget",
    summary: "recommend_budget, list_budget_proposals, decide_budget_proposal: allocation and approvals",
    tools: ["recommend_budget", "list_budget_proposals", "decide_budget_proposal"],
    keywords: terms(
      "budget|allocat|reallocat|optimi|proposal|approve|reject|invest",
      "预算|分配|优化|提案|审批|批准|拒绝",
    ),
  },
  {
    name: "experiments",
    summary: "compare_ab_test: A/B test significance and lift",
    tools: ["compare_ab_test"],
    keywords: terms(
      "a/b|ab test|a/b test|experiment|variant|significan|lift|p-value|control group",
      "实验|测试|对照|显著|提升",
    ),
  },
  {
    name: "tickets",
    summary: "log_feedback_ticket, update_ticket, list_tickets, get_ticket, feedback_insights",
    tools: ["log_feedback_ticket", "update_ticket", "list_tickets", "get_ticket", "feedback_insights"],
    keywords: terms("ticket|complain|feedback|issue|escalat|support|follow-up|follow up", "工单|投诉|反馈|售后|跟进"),
  },
  {
    name: "knowledge",
    summary: "search_knowledge: policies, definitions and the marketing playbook",
    tools: ["search_knowledge"],
    keywords: terms(
      "policy|playbook|definition|define|what is|what does|how do we|how should|guideline|rule|best practice|means",
      "政策|规则|定义|手册|是什么|怎么|如何|规范",
    ),
  },
  {
    name: "sql",
    summary: "query_database: one read-only SQL query over the reporting views (last resort)",
    tools: ["query_database"],
    keywords: terms("sql|query|database|table|raw data|list all|count of", "数据库|查询|明细"),
  },
];

/**
 * The tool names to offer for a question: the core, every group whose keywords it contains, and the tools this
 * thread already used (follow-ups like "and for Douyin only?" name no capability). When nothing beyond the core
 * matched, every tool the role may use is offered: an unsure router must not hide the right tool.
 */
export function routeTools(question: string, usedBefore: readonly string[], roleTools: readonly string[]): string[] {
  const text = question.toLowerCase();
  const matched = TOOL_GROUPS.filter((group) => group.keywords.some((keyword) => text.includes(keyword)));
  if (matched.length === 0 && usedBefore.length === 0) return [...roleTools];
  const chosen = new Set([...CORE_TOOLS, ...matched.flatMap((group) => group.tools), ...usedBefore]);
  return roleTools.filter((name) => chosen.has(name));
}

/** The tools of the named groups (unknown names are ignored; the caller reports them). */
export function toolsOfGroups(names: readonly string[]): string[] {
  return TOOL_GROUPS.filter((g) => names.includes(g.name)).flatMap((g) => g.tools);
}
