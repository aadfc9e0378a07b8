import { computeAttributionTool } from "./attribution/attribution.tool.ts";
import { decideBudgetProposalTool } from "./budget-proposals/decide-proposal.tool.ts";
import { listBudgetProposalsTool } from "./budget-proposals/list-proposals.tool.ts";
import { cohortRetentionTool } from "./cohort-retention/cohort-retention.tool.ts";
import { compareAbTestTool } from "./compare-ab-test/compare-ab-test.tool.ts";
import { computeKpisTool } from "./compute-kpis/kpis.tool.ts";
import { getCustomerProfileTool } from "./customer-profile/customer-profile.tool.ts";
import { describeDataTool } from "./describe-data/describe-data.tool.ts";
import { detectAnomaliesTool } from "./detect-anomalies/detect-anomalies.tool.ts";
import { estimateClvTool } from "./estimate-clv/estimate-clv.tool.ts";
import { findCustomersTool } from "./find-customers/find-customers.tool.ts";
import { forecastMetricTool } from "./forecast/forecast.tool.ts";
import { funnelTool } from "./funnel/funnel.tool.ts";
import { listCampaignsTool } from "./list-campaigns/list-campaigns.tool.ts";
import { listChannelsTool } from "./list-channels/list-channels.tool.ts";
import { queryDatabaseTool } from "./query-database/query-database.tool.ts";
import { recommendBudgetTool } from "./recommend-budget/budget.tool.ts";
import { reconcilePlatformsTool } from "./reconcile-platforms/reconcile.tool.ts";
import { searchKnowledgeTool } from "./search-knowledge/search-knowledge.tool.ts";
import { segmentCustomersTool } from "./segment-customers/segment-customers.tool.ts";
import { summarizePeriodTool } from "./summarize-period/summarize-period.tool.ts";
import { feedbackInsightsTool } from "./tickets/feedback-insights.tool.ts";
import { getTicketTool } from "./tickets/get-ticket.tool.ts";
import { listTicketsTool } from "./tickets/list-tickets.tool.ts";
import { logFeedbackTicketTool } from "./tickets/log-ticket.tool.ts";
import { updateTicketTool } from "./tickets/update-ticket.tool.ts";
import type { ToolDefinition } from "./tool.ts";

/** The single registry: every capability the agent, the CLI and Slack commands can call. */
export const TOOLS: readonly ToolDefinition[] = [
  describeDataTool,
  computeAttributionTool,
  computeKpisTool,
  summarizePeriodTool,
  detectAnomaliesTool,
  reconcilePlatformsTool,
  findCustomersTool,
  getCustomerProfileTool,
  listChannelsTool,
  listCampaignsTool,
  recommendBudgetTool,
  decideBudgetProposalTool,
  listBudgetProposalsTool,
  segmentCustomersTool,
  searchKnowledgeTool,
  estimateClvTool,
  cohortRetentionTool,
  funnelTool,
  forecastMetricTool,
  compareAbTestTool,
  logFeedbackTicketTool,
  updateTicketTool,
  listTicketsTool,
  getTicketTool,
  feedbackInsightsTool,
  queryDatabaseTool,
];

/** Looks a tool up by the name the model sees. */
export function findTool(name: string): ToolDefinition | undefined {
  return TOOLS.find((tool) => tool.name === name);
}
