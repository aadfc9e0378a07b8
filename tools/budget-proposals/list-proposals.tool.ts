import { z } from "zod";
import { IsoDate, resolvePeriod, todayIn } from "../period.ts";
import { defineTool, ROLES } from "../tool.ts";
import { listProposals } from "./proposals.queries.ts";

export const ListBudgetProposalsInput = z
  .object({
    start: IsoDate.optional().describe(
      "First day (proposals created or decided on or after it), YYYY-MM-DD. Default: 90 days before end.",
    ),
    end: IsoDate.optional().describe("Last day, inclusive, YYYY-MM-DD. Default: today."),
    status: z
      .enum(["proposed", "approved", "rejected", "superseded"])
      .optional()
      .describe("Only proposals in this state."),
    limit: z.number().int().min(1).max(100).default(20).describe("Most proposals to return, newest first."),
  })
  .strict();

/** Budget proposals and decisions in a period: "what did we decide last month?". */
export const listBudgetProposalsTool = defineTool({
  name: "list_budget_proposals",
  description:
    "Lists budget proposals and their decisions (who approved or rejected, when, why, total and expected outcome) " +
    "in a period, newest first. Answers 'what did we decide last month?'.",
  input: ListBudgetProposalsInput,
  roles: ROLES,
  access: "read",
  async run(input, context) {
    // Proposals made today count: the default period ends today, not yesterday.
    const { start, end } = resolvePeriod(input.start, input.end ?? todayIn(context), context, 90);
    const rows = await listProposals(context.db, {
      start,
      end,
      timezone: context.timezone,
      status: input.status ?? null,
      limit: input.limit,
    });
    const decided = rows.filter((r) => r.status === "approved" || r.status === "rejected");
    return {
      summary:
        rows.length === 0
          ? `No budget proposals between ${start} and ${end}.`
          : `${rows.length} proposal(s) between ${start} and ${end}: ${decided.filter((r) => r.status === "approved").length} approved, ` +
            `${decided.filter((r) => r.status === "rejected").length} rejected, ${rows.filter((r) => r.status === "proposed").length} open.`,
      period: { start, end, timezone: context.timezone },
      rows: rows.map((r) => ({
        id: r.id,
        status: r.status,
        author: r.author,
        created_at: r.created_at,
        decided_by: r.decided_by,
        decided_at: r.decided_at,
        decision_note: r.decision_note,
        total_budget: r.total_budget,
        expected_outcome: r.expected_outcome,
        revises_id: r.revises_id,
        allocation: (r.result as { rows?: { channel: string; recommended: number }[] }).rows?.map((x) => ({
          channel: x.channel,
          recommended: x.recommended,
        })),
      })),
      currency: context.currency,
    };
  },
});
