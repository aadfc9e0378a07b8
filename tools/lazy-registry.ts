import type { ToolDefinition } from "./tool.ts";

type ToolLoader = () => Promise<ToolDefinition>;

/**
 * Every registered tool's module by the tool's name, imported only when asked for: `beacon tool compute_kpis`
 * loads one tool instead of the whole registry (tools/index.ts), whose import costs about 0.2 s of CPU, most of
 * it the ticket tools' lexical embedder. The same tools, in the same order, as TOOLS in tools/index.ts:
 * tests/tools/lazy-registry.test.ts fails when a tool is added to one and not the other.
 */
export const TOOL_LOADERS: Readonly<Record<string, ToolLoader>> = {
  describe_data: async () => (await import("./describe-data/describe-data.tool.ts")).describeDataTool,
  compute_attribution: async () => (await import("./attribution/attribution.tool.ts")).computeAttributionTool,
  compute_kpis: async () => (await import("./compute-kpis/kpis.tool.ts")).computeKpisTool,
  summarize_period: async () => (await import("./summarize-period/summarize-period.tool.ts")).summarizePeriodTool,
  detect_anomalies: async () => (await import("./detect-anomalies/detect-anomalies.tool.ts")).detectAnomaliesTool,
  reconcile_platform_conversions: async () =>
    (await import("./reconcile-platforms/reconcile.tool.ts")).reconcilePlatformsTool,
  find_customers: async () => (await import("./find-customers/find-customers.tool.ts")).findCustomersTool,
  get_customer_profile: async () =>
    (await import("./customer-profile/customer-profile.tool.ts")).getCustomerProfileTool,
  list_channels: async () => (await import("./list-channels/list-channels.tool.ts")).listChannelsTool,
  list_campaigns: async () => (await import("./list-campaigns/list-campaigns.tool.ts")).listCampaignsTool,
  recommend_budget: async () => (await import("./recommend-budget/budget.tool.ts")).recommendBudgetTool,
  decide_budget_proposal: async () =>
    (await import("./budget-proposals/decide-proposal.tool.ts")).decideBudgetProposalTool,
  list_budget_proposals: async () =>
    (await import("./budget-proposals/list-proposals.tool.ts")).listBudgetProposalsTool,
  segment_customers: async () => (await import("./segment-customers/segment-customers.tool.ts")).segmentCustomersTool,
  search_knowledge: async () => (await import("./search-knowledge/search-knowledge.tool.ts")).searchKnowledgeTool,
  estimate_clv: async () => (await import("./estimate-clv/estimate-clv.tool.ts")).estimateClvTool,
  cohort_retention: async () => (await import("./cohort-retention/cohort-retention.tool.ts")).cohortRetentionTool,
  compute_funnel: async () => (await import("./funnel/funnel.tool.ts")).funnelTool,
  forecast_metric: async () => (await import("./forecast/forecast.tool.ts")).forecastMetricTool,
  compare_ab_test: async () => (await import("./compare-ab-test/compare-ab-test.tool.ts")).compareAbTestTool,
  log_feedback_ticket: async () => (await import("./tickets/log-ticket.tool.ts")).logFeedbackTicketTool,
  update_ticket: async () => (await import("./tickets/update-ticket.tool.ts")).updateTicketTool,
  list_tickets: async () => (await import("./tickets/list-tickets.tool.ts")).listTicketsTool,
  get_ticket: async () => (await import("./tickets/get-ticket.tool.ts")).getTicketTool,
  feedback_insights: async () => (await import("./tickets/feedback-insights.tool.ts")).feedbackInsightsTool,
  query_database: async () => (await import("./query-database/query-database.tool.ts")).queryDatabaseTool,
};

/** The loader of the tool registered under `name` (it imports only that tool's module); undefined for an unknown name. */
export function toolLoader(name: string): ToolLoader | undefined {
  return Object.hasOwn(TOOL_LOADERS, name) ? TOOL_LOADERS[name] : undefined;
}
