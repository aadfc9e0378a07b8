import { z } from "zod";
import { defineTool, ToolInputError } from "../tool.ts";
import { fetchProposal, recordDecision } from "./proposals.queries.ts";

export const DecideBudgetProposalInput = z
  .object({
    proposal_id: z.number().int().positive().describe("The proposal's id as returned by recommend_budget."),
    decision: z
      .enum(["approve", "reject"])
      .describe("approve or reject; to adjust, run recommend_budget again with revises_proposal_id."),
    note: z.string().max(2000).optional().describe("Why, in the decider's words (kept with the decision)."),
  })
  .strict();

/** Approve or reject a stored budget proposal: managers and admins only; nothing is sent to any ad platform. */
export const decideBudgetProposalTool = defineTool({
  name: "decide_budget_proposal",
  description:
    "Approves or rejects a stored budget proposal (managers and admins only). Records who decided, when and why. " +
    "It never changes budgets on ad platforms: a person carries out the approved plan.",
  input: DecideBudgetProposalInput,
  roles: ["manager", "admin"],
  access: "write",
  subject: "proposal_id",
  async run(input, { db, caller }) {
    const current = await fetchProposal(db, input.proposal_id, true);
    if (!current) throw new ToolInputError(`proposal_id: no budget proposal with id ${input.proposal_id}`);
    if (current.status !== "proposed") {
      const when = current.decided_at ? ` by ${current.decided_by} at ${current.decided_at}` : "";
      throw new ToolInputError(
        `proposal_id: proposal ${input.proposal_id} is already ${current.status}${when}; only open proposals can be decided`,
      );
    }
    const decided = await recordDecision(db, {
      id: input.proposal_id,
      status: input.decision === "approve" ? "approved" : "rejected",
      by: caller.userId,
      role: caller.role,
      note: input.note ?? null,
    });
    if (!decided)
      throw new ToolInputError(`proposal_id: proposal ${input.proposal_id} was decided by someone else a moment ago`);
    return {
      summary: `Proposal ${decided.id} ${decided.status} by ${decided.decided_by} (${decided.decided_role}).`,
      proposal: {
        id: decided.id,
        status: decided.status,
        decided_by: decided.decided_by,
        decided_at: decided.decided_at,
        note: decided.decision_note,
        total_budget: decided.total_budget,
        expected_outcome: decided.expected_outcome,
      },
      reminder: "Beacon does not change ad-platform budgets; apply the approved allocation in each platform.",
    };
  },
});
