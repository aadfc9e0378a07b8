// The golden set of `beacon eval`: questions over the demo data with the tool, key arguments and key numbers a
// correct answer needs. Expected numbers are paths into the expected tool's result, computed at eval time.
import type { Role } from "../../tools/tool.ts";
import { MULTI_STEP_SET } from "./golden-multi-step.ts";

/** Named periods resolved for the evaluation day (agent/calendar.ts namedPeriods). */
export type Periods = Record<string, [string, string]>;

/** One golden question. */
export interface GoldenCase {
  id: string;
  language: "en" | "zh";
  role: Exclude<Role, "admin">;
  question: string;
  /** The tool a correct answer calls. */
  tool: string;
  /** The arguments that matter, from the resolved periods; also the arguments of the reference call. */
  args: (p: Periods) => Record<string, unknown>;
  /** Arguments the reference call needs but an answer may phrase its own way (SQL, search text): not scored. */
  unscoredArgs?: string[];
  /**
   * Paths into the reference result whose numbers the answer must state: `totals.revenue`, `rows[0].roas`,
   * `rows[key.channel=douyin_ads].spend`, `channels.length`.
   */
  numbers: string[];
  /** Further tool calls a multi-step answer needs; step 0 is the case's own tool, these are steps 1, 2, ... */
  also?: GoldenStep[];
  /** A second question asked in the same thread after the first answer (steps with `turn: 1` answer it). */
  followUp?: string;
  /** Numbers the answer derives from step results (differences, percentages), as `calculate` computes them. */
  derived?: DerivedNumber[];
  /** Documents (file names) the answer must cite as [citation_id] from its search_knowledge results. */
  cites?: string[];
}

/** One further tool call of a multi-step case. */
export interface GoldenStep {
  tool: string;
  args: (p: Periods) => Record<string, unknown>;
  unscoredArgs?: string[];
  numbers: string[];
  /** 1 when the follow-up question needs this call; default 0 (the first question). */
  turn?: 0 | 1;
}

/** Arithmetic on step results, with the operations and conventions of the analyst's `calculate` tool. */
export interface DerivedNumber {
  op: "difference" | "sum" | "ratio" | "share" | "percent_change";
  /** `[step, path]` of each input, in the order `op` names them (difference a - b; percent_change from a to b). */
  inputs: [number, string][];
}

/** Every step of a case: its own call first, then `also`. */
export function stepsOf(golden: GoldenCase): GoldenStep[] {
  const own: GoldenStep = { tool: golden.tool, args: golden.args, numbers: golden.numbers };
  if (golden.unscoredArgs) own.unscoredArgs = golden.unscoredArgs;
  return [own, ...(golden.also ?? [])];
}

/** True for cases that need more than one tool call, a follow-up turn, arithmetic or citations. */
export function isMultiStep(golden: GoldenCase): boolean {
  return (golden.also?.length ?? 0) > 0 || golden.followUp !== undefined || (golden.derived?.length ?? 0) > 0;
}

/** `{ start, end }` of a named period. */
function range(p: Periods, name: string): { start: string; end: string } {
  const found = p[name];
  if (!found) throw new Error(`golden set: unknown period "${name}"; known: ${Object.keys(p).join(", ")}`);
  return { start: found[0], end: found[1] };
}

/** The most recent 618 mid-year sale window (May 20 - June 20) that ended before today. */
function sale618(p: Periods): { start: string; end: string } {
  const today = range(p, "this month to date").end;
  const year = Number(today.slice(0, 4));
  const y = today > `${year}-06-20` ? year : year - 1;
  return { start: `${y}-05-20`, end: `${y}-06-20` };
}

const period = (name: string) => (p: Periods) => range(p, name);

/** The single-tool questions: one call, its key arguments and numbers. */
export const SINGLE_STEP_SET: readonly GoldenCase[] = [
  // compute_kpis
  {
    id: "kpi-revenue-last-month",
    language: "en",
    role: "marketer",
    question: "What was our total revenue and how many orders did we get last month?",
    tool: "compute_kpis",
    args: period("last month"),
    numbers: ["totals.revenue", "totals.orders"],
  },
  {
    id: "kpi-roas-last-quarter",
    language: "en",
    role: "manager",
    question: "What was our overall ROAS and total ad spend last quarter?",
    tool: "compute_kpis",
    args: period("last quarter"),
    numbers: ["totals.roas", "totals.spend"],
  },
  {
    id: "kpi-cac-last-month-zh",
    language: "zh",
    role: "marketer",
    question: "上个月的付费获客成本(CAC)是多少?带来了多少新客户?",
    tool: "compute_kpis",
    args: period("last month"),
    numbers: ["totals.cac_paid", "totals.new_customers"],
  },
  {
    id: "kpi-top-platform-last-quarter-zh",
    language: "zh",
    role: "manager",
    question: "上季度按广告平台看,哪个平台带来的收入最高?收入是多少?",
    tool: "compute_kpis",
    args: (p) => ({ ...range(p, "last quarter"), group_by: ["platform"] }),
    numbers: ["rows[0].revenue"],
  },
  {
    id: "summary-last-week",
    language: "en",
    role: "manager",
    question: "Give me a summary of last week for the leadership meeting.",
    tool: "summarize_period",
    args: () => ({ period: "last_week" }),
    numbers: ["headline.revenue.current", "headline.spend.current", "headline.roas.current"],
  },
  {
    id: "summary-douyin-last-week",
    language: "en",
    role: "manager",
    question: "What happened on Douyin (douyin_ads) last week?",
    tool: "summarize_period",
    args: () => ({ period: "last_week", channel: "douyin_ads" }),
    numbers: ["headline.revenue.current", "headline.revenue.change"],
  },
  {
    id: "anomalies-yesterday",
    language: "en",
    role: "manager",
    question: "Anything unusual yesterday?",
    tool: "detect_anomalies",
    args: () => ({ period: "yesterday" }),
    // The eval demo has nothing unusual on its last day: scored on the tool and its arguments (zero is no evidence).
    numbers: [],
  },
  {
    id: "kpi-douyin-last-month",
    language: "en",
    role: "marketer",
    question: "How did the douyin_ads channel do last month: spend, revenue and ROAS?",
    tool: "compute_kpis",
    args: (p) => ({ ...range(p, "last month"), group_by: ["channel"] }),
    numbers: [
      "rows[key.channel=douyin_ads].spend",
      "rows[key.channel=douyin_ads].revenue",
      "rows[key.channel=douyin_ads].roas",
    ],
  },
  {
    id: "kpi-ctr-cvr-last-30-days",
    language: "en",
    role: "marketer",
    question: "What were our click-through rate and conversion rate over the last 30 days?",
    tool: "compute_kpis",
    args: period("last 30 days (complete days)"),
    numbers: ["totals.ctr", "totals.cvr"],
  },
  {
    id: "kpi-aov-repeat-ytd-zh",
    language: "zh",
    role: "manager",
    question: "今年以来的客单价(AOV)和复购率分别是多少?",
    tool: "compute_kpis",
    args: period("this calendar year to date"),
    numbers: ["totals.aov", "totals.repeat_purchase_rate"],
  },
  {
    id: "kpi-best-month-ytd",
    language: "en",
    role: "manager",
    question: "Break this year's revenue so far down by month: which month had the highest revenue, and how much?",
    tool: "compute_kpis",
    args: (p) => ({ ...range(p, "this calendar year to date"), group_by: ["month"] }),
    numbers: ["top_by_revenue.revenue", "totals.revenue"],
  },
  {
    id: "kpi-retention-last-quarter-zh",
    language: "zh",
    role: "manager",
    question: "上季度的客户留存率和流失率是多少?",
    tool: "compute_kpis",
    args: period("last quarter"),
    numbers: ["totals.retention", "totals.churn"],
  },
  {
    id: "kpi-nps-last-quarter",
    language: "en",
    role: "manager",
    question: "What was our NPS last quarter, and how many survey responses was it based on?",
    tool: "compute_kpis",
    args: period("last quarter"),
    numbers: ["totals.nps", "totals.nps_responses"],
  },
  {
    id: "kpi-east-china-last-month-zh",
    language: "zh",
    role: "marketer",
    question: "上个月按大区拆分收入,华东(East China)的收入和订单数是多少?",
    tool: "compute_kpis",
    args: (p) => ({ ...range(p, "last month"), group_by: ["region"] }),
    numbers: ["rows[key.region=East China].revenue", "rows[key.region=East China].orders"],
  },
  {
    id: "kpi-mom-revenue",
    language: "en",
    role: "marketer",
    question: "How did last month's revenue compare with the month before?",
    tool: "compute_kpis",
    args: period("last month"),
    numbers: ["totals.revenue", "totals.previous.revenue"],
  },
  {
    id: "kpi-tier-revenue-last-quarter-zh",
    language: "zh",
    role: "manager",
    question: "上季度按客户价值分层(高/中/低)看,高价值客户贡献了多少收入?",
    tool: "compute_kpis",
    args: (p) => ({ ...range(p, "last quarter"), group_by: ["segment"] }),
    numbers: ["rows[key.segment=high].revenue"],
  },
  {
    id: "kpi-cpc-cpm-last-week",
    language: "en",
    role: "marketer",
    question: "What were our CPC and CPM last week?",
    tool: "compute_kpis",
    args: period("last week (Mon-Sun)"),
    numbers: ["totals.cpc", "totals.cpm"],
  },
  {
    id: "kpi-douyin-acquired-30d-zh",
    language: "zh",
    role: "marketer",
    question: "过去30天,通过抖音广告(douyin_ads)获客的客户贡献了多少收入和订单?",
    tool: "compute_kpis",
    args: (p) => ({ ...range(p, "last 30 days (complete days)"), acquisition_channel: "douyin_ads" }),
    numbers: ["totals.revenue", "totals.orders"],
  },
  {
    id: "kpi-spend-mtd-zh",
    language: "zh",
    role: "manager",
    question: "本月到目前为止的广告花费和收入是多少?ROAS 多少?",
    tool: "compute_kpis",
    args: period("this month to date"),
    numbers: ["totals.spend", "totals.revenue", "totals.roas"],
  },

  // compute_attribution
  {
    id: "attr-markov-top-last-quarter",
    language: "en",
    role: "marketer",
    question:
      "With Markov (data-driven) attribution, which channel drove the most conversions last quarter, and how many?",
    tool: "compute_attribution",
    args: (p) => ({ ...range(p, "last quarter"), model: "markov" }),
    numbers: ["rows[0].conversions", "totals.conversions"],
  },
  {
    id: "attr-linear-douyin-zh",
    language: "zh",
    role: "marketer",
    question: "上季度用线性归因模型,抖音广告(douyin_ads)分到的归因收入是多少?",
    tool: "compute_attribution",
    args: (p) => ({ ...range(p, "last quarter"), model: "linear" }),
    numbers: ["rows[key=douyin_ads].revenue"],
  },
  {
    id: "attr-first-touch-acquisition",
    language: "en",
    role: "manager",
    question:
      "Attribute last month's first orders (new-customer acquisition) with first-touch attribution: which channel gets the most credit?",
    tool: "compute_attribution",
    args: (p) => ({ ...range(p, "last month"), model: "first_touch", conversion: "first_orders" }),
    numbers: ["rows[0].conversions", "totals.conversions"],
  },
  {
    id: "attr-platform-wechat-roas-zh",
    language: "zh",
    role: "manager",
    question: "上季度按广告平台做末次点击(last touch)归因,WeChat 平台的归因 ROAS 是多少?",
    tool: "compute_attribution",
    args: (p) => ({ ...range(p, "last quarter"), model: "last_touch", granularity: "platform" }),
    numbers: ["rows[key=WeChat].roas", "rows[key=WeChat].conversions"],
  },
  {
    id: "attr-shapley-wechat-share",
    language: "en",
    role: "marketer",
    question: "Using Shapley attribution over the last 30 days, what share of conversions goes to wechat_ads?",
    tool: "compute_attribution",
    args: (p) => ({ ...range(p, "last 30 days (complete days)"), model: "shapley" }),
    numbers: ["rows[key=wechat_ads].share"],
  },
  {
    id: "attr-position-ytd-zh",
    language: "zh",
    role: "marketer",
    question: "今年以来用位置归因(position_based)模型,排名第一的渠道有多少归因转化?",
    tool: "compute_attribution",
    args: (p) => ({ ...range(p, "this calendar year to date"), model: "position_based" }),
    numbers: ["rows[0].conversions"],
  },

  // reconcile_platform_conversions
  {
    id: "recon-overclaim-last-month",
    language: "en",
    role: "manager",
    question:
      "Last month, how many conversions did the ad platforms claim versus distinct real orders? How big is the over-claim?",
    tool: "reconcile_platform_conversions",
    args: period("last month"),
    numbers: ["totals.claims", "totals.distinct_claimed_orders", "totals.overstatement_ratio"],
  },
  {
    id: "recon-baidu-dedup-zh",
    language: "zh",
    role: "marketer",
    question: "上季度各广告平台自报的转化去重之后,百度(Baidu)的去重 ROAS 和自报转化数各是多少?",
    tool: "reconcile_platform_conversions",
    args: period("last quarter"),
    numbers: ["rows[platform=Baidu].dedup_roas", "rows[platform=Baidu].claimed_conversions"],
  },
  {
    id: "recon-douyin-meta",
    language: "en",
    role: "marketer",
    question:
      "For the Douyin and Meta platforms only, reconcile their reported conversions with our real orders for last quarter.",
    tool: "reconcile_platform_conversions",
    args: (p) => ({ ...range(p, "last quarter"), platforms: ["Douyin", "Meta"] }),
    numbers: ["totals.claims", "rows[platform=Douyin].dedup_conversions"],
  },
  {
    id: "recon-claimed-value-zh",
    language: "zh",
    role: "manager",
    question: "上个月各平台自报的转化价值合计多少?同期真实订单收入是多少?",
    tool: "reconcile_platform_conversions",
    args: period("last month"),
    numbers: ["totals.claimed_value", "totals.real_revenue"],
  },

  // cohort_retention
  {
    id: "cohort-douyin-vs-baidu",
    language: "en",
    role: "manager",
    question:
      "How do customers acquired via Douyin retain compared with Baidu? Compare their month-1 retention across the monthly cohorts.",
    tool: "cohort_retention",
    args: () => ({ split_by: "acquisition_channel", compare: ["douyin_ads", "baidu_search"] }),
    numbers: ["comparison.by_period[k=1].a.retention", "comparison.by_period[k=1].b.retention"],
  },
  {
    id: "cohort-month1-zh",
    language: "zh",
    role: "marketer",
    question: "按注册月份做同期群留存分析:最近12个月的新客,第1个月的留存率是多少?",
    tool: "cohort_retention",
    args: () => ({ granularity: "month", cohorts: 12 }),
    numbers: ["curves[0].retention[1]", "curves[0].customers"],
  },

  // funnel
  {
    id: "funnel-biggest-drop",
    language: "en",
    role: "marketer",
    question: "Where do we lose people between click and purchase? Show the funnel for Douyin over the last 4 weeks.",
    tool: "compute_funnel",
    args: () => ({ channel: "douyin_ads" }),
    numbers: ["rows[0].clicks", "rows[0].first_orders"],
  },
  {
    id: "funnel-total-zh",
    language: "zh",
    role: "manager",
    question: "看一下最近四周整体的营销漏斗:曝光、点击、首单和复购各有多少?",
    tool: "compute_funnel",
    args: () => ({ group_by: "total" }),
    numbers: ["rows[0].impressions", "rows[0].first_orders", "rows[0].repeat_buyers"],
  },

  // forecast_metric
  {
    id: "forecast-revenue-month",
    language: "en",
    role: "manager",
    question: "Forecast this month's revenue: what total do we project by month end?",
    tool: "forecast_metric",
    args: () => ({ metric: "revenue" }),
    numbers: ["pacing.projected_total"],
  },
  {
    id: "forecast-new-customers-zh",
    language: "zh",
    role: "marketer",
    question: "预测一下本月新客数,月底预计能有多少新客户?",
    tool: "forecast_metric",
    args: () => ({ metric: "new_customers" }),
    numbers: ["pacing.projected_total"],
  },

  // segment_customers
  {
    id: "seg-value-tier",
    language: "en",
    role: "marketer",
    question:
      "Segment our customers by value tier: how many high-value customers do we have and what share of revenue do they bring?",
    tool: "segment_customers",
    args: () => ({ dimension: "value_tier" }),
    numbers: ["rows[segment=high].customers", "rows[segment=high].revenue_share"],
  },
  {
    id: "seg-rfm-champions-zh",
    language: "zh",
    role: "marketer",
    question: "用 RFM 模型给客户分群,Champions(冠军客户)有多少人?贡献了多少收入?",
    tool: "segment_customers",
    args: () => ({ dimension: "rfm" }),
    numbers: ["rows[segment=Champions].customers", "rows[segment=Champions].revenue"],
  },
  {
    id: "seg-acquisition-zh",
    language: "zh",
    role: "manager",
    question: "按获客渠道给客户分群,哪个获客渠道的客户贡献收入最多?有多少客户?",
    tool: "segment_customers",
    args: () => ({ dimension: "acquisition_channel" }),
    numbers: ["rows[0].revenue", "rows[0].customers"],
  },
  {
    id: "seg-region-east-china",
    language: "en",
    role: "support",
    question: "How are our customers spread across regions? How many are in East China?",
    tool: "segment_customers",
    args: () => ({ dimension: "region" }),
    numbers: ["rows[segment=East China].customers"],
  },
  {
    id: "seg-city-shanghai-zh",
    language: "zh",
    role: "marketer",
    question: "按城市看客户分布,上海(Shanghai)有多少客户?过去12个月贡献了多少收入?",
    tool: "segment_customers",
    args: () => ({ dimension: "city" }),
    numbers: ["rows[segment=Shanghai].customers", "rows[segment=Shanghai].revenue"],
  },

  // estimate_clv
  {
    id: "clv-average",
    language: "en",
    role: "manager",
    question: "What is the average predicted customer lifetime value over the next 52 weeks, and the total?",
    tool: "estimate_clv",
    args: () => ({}),
    numbers: ["rows[0].avg_predicted_clv", "rows[0].total_predicted_clv"],
  },
  {
    id: "clv-cac-wechat-zh",
    language: "zh",
    role: "manager",
    question: "按获客渠道看 CLV 和 CAC,微信广告(wechat_ads)的 CAC 和 CLV:CAC 比是多少?",
    tool: "estimate_clv",
    args: () => ({ group_by: "acquisition_channel" }),
    numbers: ["rows[group=wechat_ads].cac", "rows[group=wechat_ads].clv_cac_ratio"],
  },
  {
    id: "clv-pareto-zh",
    language: "zh",
    role: "marketer",
    question: "用 Pareto/NBD 模型估算未来52周的客户终身价值,平均每位客户是多少?",
    tool: "estimate_clv",
    args: () => ({ model: "pareto_nbd" }),
    numbers: ["rows[0].avg_predicted_clv"],
  },

  // recommend_budget
  {
    id: "budget-split",
    language: "en",
    role: "manager",
    question:
      "How should we split the ad budget across paid channels over the next 4 weeks to maximise revenue? What is the total budget?",
    tool: "recommend_budget",
    args: () => ({ horizon_weeks: 4 }),
    numbers: ["totals.budget", "totals.expected_outcome_current"],
  },
  {
    id: "budget-three-channels-zh",
    language: "zh",
    role: "marketer",
    question: "如果只在 douyin_ads、wechat_ads 和 xiaohongshu 三个渠道之间分配预算,未来4周该怎么分?抖音建议投多少?",
    tool: "recommend_budget",
    args: () => ({ channels: ["douyin_ads", "wechat_ads", "xiaohongshu"] }),
    numbers: ["totals.budget", "rows[channel=douyin_ads].recommended"],
  },

  // list_channels
  {
    id: "channels-spend-last-month",
    language: "en",
    role: "marketer",
    question: "How much did we spend on ads per channel last month, and which channel spent the most?",
    tool: "list_channels",
    args: period("last month"),
    numbers: ["total_spend", "channels[0].spend"],
  },
  {
    id: "channels-social-zh",
    language: "zh",
    role: "support",
    question: "我们有哪些社交媒体(social)类型的渠道?一共几个?",
    tool: "list_channels",
    args: () => ({ type: "social" }),
    numbers: ["channels.length"],
  },
  {
    id: "channels-spend-mtd-zh",
    language: "zh",
    role: "marketer",
    question: "本月到目前为止,各渠道的广告总花费是多少?",
    tool: "list_channels",
    args: period("this month to date"),
    numbers: ["total_spend"],
  },
  {
    id: "channels-douyin-qtd",
    language: "en",
    role: "manager",
    question: "How much have we spent on the Douyin platform so far this quarter?",
    tool: "list_channels",
    args: (p) => ({ ...range(p, "this quarter to date"), platform: "Douyin" }),
    numbers: ["total_spend"],
  },

  // list_campaigns
  {
    id: "campaigns-active",
    language: "en",
    role: "marketer",
    question: "Which campaigns are active right now, and how many are there?",
    tool: "list_campaigns",
    args: () => ({ status: "active" }),
    numbers: ["total"],
  },
  {
    id: "campaigns-douyin-budget-zh",
    language: "zh",
    role: "marketer",
    question: "抖音信息流(douyin_ads)渠道的常驻投放活动 CMP-0019 预算多少?已经花了多少?",
    tool: "list_campaigns",
    args: () => ({ search: "CMP-0019" }),
    numbers: ["campaigns[external_id=CMP-0019].budget", "campaigns[external_id=CMP-0019].spend_to_date"],
  },
  {
    id: "campaigns-618",
    language: "en",
    role: "support",
    question: "How many campaigns ran during the 618 mid-year sale (May 20 to June 20)?",
    tool: "list_campaigns",
    args: (p) => {
      const sale = sale618(p);
      return { active_from: sale.start, active_to: sale.end };
    },
    numbers: ["total"],
  },
  {
    id: "campaigns-pacing-zh",
    language: "zh",
    role: "manager",
    question: "活动 CMP-0013 的预算花了多少?投放节奏(pacing)正常吗?",
    tool: "list_campaigns",
    args: () => ({ search: "CMP-0013" }),
    numbers: ["campaigns[0].spend_to_date", "campaigns[0].pacing"],
  },

  // find_customers
  {
    id: "customers-east-china",
    language: "en",
    role: "support",
    question: "How many customers do we have in the East China region?",
    tool: "find_customers",
    args: () => ({ region: "East China" }),
    numbers: ["total"],
  },
  {
    id: "customers-shanghai-high-zh",
    language: "zh",
    role: "support",
    question: "上海(Shanghai)的高价值客户有多少个?",
    tool: "find_customers",
    args: () => ({ city: "Shanghai", value_tier: "high" }),
    numbers: ["total"],
  },
  {
    id: "customers-douyin-signups",
    language: "en",
    role: "marketer",
    question: "How many customers acquired through douyin_ads signed up since the start of this year?",
    tool: "find_customers",
    args: (p) => ({ acquisition_channel: "douyin_ads", signup_from: range(p, "this calendar year to date").start }),
    numbers: ["total"],
  },
  {
    id: "customers-by-name-zh",
    language: "zh",
    role: "support",
    question: "帮我找一下叫“吴俊”的客户,他过去12个月消费了多少?",
    tool: "find_customers",
    args: () => ({ query: "吴俊" }),
    numbers: ["customers[0].revenue_12m"],
  },

  // get_customer_profile
  {
    id: "profile-orders-zh",
    language: "zh",
    role: "support",
    question: "客户 CUS-0000017 一共下了几单?累计消费多少?",
    tool: "get_customer_profile",
    args: () => ({ customer: "CUS-0000017" }),
    numbers: ["orders.orders", "orders.revenue"],
  },
  {
    id: "profile-value",
    language: "en",
    role: "support",
    question: "Give me the profile of customer CUS-0000156: 12-month revenue and predicted CLV.",
    tool: "get_customer_profile",
    args: () => ({ customer: "CUS-0000156" }),
    numbers: ["value.revenue_12m", "clv.predicted_clv"],
  },
  {
    id: "profile-rfm",
    language: "en",
    role: "marketer",
    question: "What is customer CUS-0000085's RFM score, and how many days since their last order?",
    tool: "get_customer_profile",
    args: () => ({ customer: "CUS-0000085" }),
    numbers: ["rfm.scores.rfm_score", "rfm.inputs.recency_days"],
  },
  {
    id: "profile-aov-zh",
    language: "zh",
    role: "support",
    question: "客户 CUS-0000372 的历史订单总额和客单价是多少?",
    tool: "get_customer_profile",
    args: () => ({ customer: "CUS-0000372" }),
    numbers: ["orders.revenue", "orders.aov"],
  },

  // compare_ab_test
  {
    id: "ab-counts",
    language: "en",
    role: "marketer",
    question:
      "A/B test: the control had 1,000 visitors and 50 conversions, the variant 1,000 visitors and 65 conversions. Is the variant a winner? What's the p-value and how many visitors per arm would we need?",
    tool: "compare_ab_test",
    args: () => ({ a: { visitors: 1000, conversions: 50 }, b: { visitors: 1000, conversions: 65 } }),
    numbers: ["test.p_value", "sample_size.required_visitors_per_arm"],
  },
  {
    id: "ab-counts-zh",
    language: "zh",
    role: "marketer",
    question: "对照组 2400 个访客转化了 120 个,实验组 2380 个访客转化了 151 个,差异显著吗?相对提升多少?",
    tool: "compare_ab_test",
    args: () => ({ a: { visitors: 2400, conversions: 120 }, b: { visitors: 2380, conversions: 151 } }),
    numbers: ["test.p_value", "difference.relative_lift"],
  },
  {
    id: "ab-campaigns-last-month",
    language: "en",
    role: "manager",
    question:
      "Compare the conversion rates of campaign CMP-0011 (control) and CMP-0017 (variant) last month: which converted better?",
    tool: "compare_ab_test",
    args: (p) => ({ campaign_a: "CMP-0011", campaign_b: "CMP-0017", ...range(p, "last month") }),
    numbers: ["arms.a.rate", "arms.b.rate"],
  },
  {
    id: "ab-campaigns-quarter-zh",
    language: "zh",
    role: "manager",
    question: "上季度比较 CMP-0019(对照)和 CMP-0017(实验)两个活动的转化率,哪个更好?",
    tool: "compare_ab_test",
    args: (p) => ({ campaign_a: "CMP-0019", campaign_b: "CMP-0017", ...range(p, "last quarter") }),
    numbers: ["arms.a.rate", "arms.b.rate"],
  },

  // describe_data
  {
    id: "data-coverage",
    language: "en",
    role: "support",
    question: "What data do we have? How many customers and orders are in the database?",
    tool: "describe_data",
    args: () => ({}),
    numbers: ["coverage[entity=customers].rows", "coverage[entity=orders].rows"],
  },
  {
    id: "data-coverage-zh",
    language: "zh",
    role: "manager",
    question: "数据库里一共有多少客户和订单?数据覆盖到哪一天?",
    tool: "describe_data",
    args: () => ({}),
    numbers: ["coverage[entity=customers].rows", "coverage[entity=orders].rows"],
  },

  // list_budget_proposals: proposals are stamped with the wall clock, so the demo's day has none to count
  {
    id: "proposals-pending",
    language: "en",
    role: "manager",
    question: "Are there any budget proposals waiting for approval?",
    tool: "list_budget_proposals",
    args: () => ({ status: "proposed" }),
    numbers: [],
  },
  {
    id: "proposals-approved-zh",
    language: "zh",
    role: "manager",
    question: "最近有哪些已经批准(approved)的预算方案?",
    tool: "list_budget_proposals",
    args: () => ({ status: "approved" }),
    numbers: [],
  },

  // query_database: questions no typed tool answers
  {
    id: "sql-app-orders",
    language: "en",
    role: "marketer",
    question: "Across all time, how many orders came through the app sales channel, and what was their total amount?",
    tool: "query_database",
    args: () => ({
      sql: "SELECT count(*) AS orders, sum(amount) AS revenue FROM reporting.orders WHERE sales_channel = 'app'",
      purpose: "orders and revenue of the app sales channel",
    }),
    unscoredArgs: ["sql", "purpose"],
    numbers: ["rows[0].orders", "rows[0].revenue"],
  },
  {
    id: "sql-consent-zh",
    language: "zh",
    role: "marketer",
    question: "同意接收营销信息(marketing consent)的客户一共有多少?",
    tool: "query_database",
    args: () => ({
      sql: "SELECT count(*) AS customers FROM reporting.customers WHERE marketing_consent",
      purpose: "customers with marketing consent",
    }),
    unscoredArgs: ["sql", "purpose"],
    numbers: ["rows[0].customers"],
  },
  {
    id: "sql-store-discount",
    language: "en",
    role: "manager",
    question: "What is the total discount we have given on in-store orders (sales channel 'store') across all time?",
    tool: "query_database",
    args: () => ({
      sql: "SELECT sum(discount_amount) AS discount FROM reporting.orders WHERE sales_channel = 'store'",
      purpose: "total discount on store orders",
    }),
    unscoredArgs: ["sql", "purpose"],
    numbers: ["rows[0].discount"],
  },

  // list_tickets and feedback_insights
  {
    id: "tickets-open",
    language: "en",
    role: "support",
    question: "How many support tickets are open right now?",
    tool: "list_tickets",
    args: () => ({ open_only: true }),
    numbers: ["total"],
  },
  {
    id: "tickets-p1-zh",
    language: "zh",
    role: "support",
    question: "目前一共有多少张 P1 优先级的工单?",
    tool: "list_tickets",
    args: () => ({ priority: ["P1"] }),
    numbers: ["total"],
  },
  {
    id: "tickets-delivery-zh",
    language: "zh",
    role: "support",
    question: "关于配送(delivery)问题的工单一共有多少张?",
    tool: "list_tickets",
    args: () => ({ category: ["delivery"] }),
    numbers: ["total"],
  },
  {
    id: "tickets-attention",
    language: "en",
    role: "support",
    question:
      "Which tickets need attention now (overdue follow-ups or untouched P1s)? How many follow-ups are overdue?",
    tool: "list_tickets",
    args: () => ({ needs_attention: true }),
    numbers: ["total", "needs_attention_overall.follow_up_overdue"],
  },
  {
    id: "insights-12-weeks",
    language: "en",
    role: "support",
    question: "What have customers complained about most in the last 12 weeks? How many tickets in total?",
    tool: "feedback_insights",
    args: () => ({}),
    numbers: ["total_tickets", "by_category[0].tickets"],
  },
  {
    id: "insights-ad-promise-zh",
    language: "zh",
    role: "manager",
    question: "上个月的客户反馈一共多少条?“广告承诺不符”的投诉最多来自哪个活动,有几条?",
    tool: "feedback_insights",
    args: period("last month"),
    numbers: ["total_tickets", "ad_promise_by_campaign[0].ad_promise"],
  },

  // search_knowledge: the tool choice, and the document the answer must cite (the playbook has no refund policy)
  {
    id: "kb-refund-policy",
    language: "en",
    role: "support",
    question: "What is our policy when a customer was charged twice for the same order?",
    tool: "search_knowledge",
    args: () => ({ query: "customer charged twice for the same order refund policy" }),
    unscoredArgs: ["query"],
    numbers: [],
  },
  {
    id: "kb-winback-zh",
    language: "zh",
    role: "marketer",
    question: "对于有流失风险的高价值客户,我们的运营手册建议怎么做?",
    tool: "search_knowledge",
    args: () => ({ query: "流失风险 高价值客户 挽回" }),
    unscoredArgs: ["query"],
    numbers: [],
    cites: ["customer-lifecycle.md"],
  },
];

/** Every golden question: the single-tool ones, then the multi-step ones. */
export const GOLDEN_SET: readonly GoldenCase[] = [...SINGLE_STEP_SET, ...MULTI_STEP_SET];
