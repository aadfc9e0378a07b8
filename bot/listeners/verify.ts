import type { App, BlockButtonAction } from "@slack/bolt";
import { resolveCaller } from "../../agent/callers.ts";
import { VERIFIER_ROLES, verifyRun } from "../../agent/verified-answers.ts";
import { AppError } from "../../errors.ts";
import { ACTIONS } from "../render/blocks.ts";
import type { BotDeps } from "../slack/deps.ts";

/**
 * "Mark as verified" on an answer (issue 25): a manager or admin stores the run's question, tool calls and answer
 * as verified; anyone else is told who may. The reply is ephemeral: only the clicker sees it.
 */
export function registerVerify(app: App, deps: BotDeps): void {
  app.action<BlockButtonAction>(ACTIONS.verify, async ({ action, body }) => {
    const runId = Number(action.value);
    const channel = body.channel?.id;
    const threadTs = body.message?.thread_ts ?? body.message?.ts;
    deps.background(async () => {
      const reply = await verifyReply(deps, runId, body.user.id);
      if (channel) await deps.delivery.ephemeral(channel, body.user.id, reply, threadTs);
    });
  });
}

/** What the clicker is told: verified, not allowed, or why the answer cannot be verified. */
export async function verifyReply(
  deps: Pick<BotDeps, "db" | "config">,
  runId: number,
  userId: string,
): Promise<string> {
  const caller = await resolveCaller(deps.db.pool, userId, deps.config.BEACON_DEFAULT_ROLE);
  if (!VERIFIER_ROLES.includes(caller.role)) {
    return "Only managers and admins can mark answers as verified; ask one of them to click it.";
  }
  try {
    const verified = await verifyRun(deps.db.pool, runId, userId);
    return `:white_check_mark: Verified (#${verified.id}). Matching questions will re-run the same ${verified.toolCalls.map((c) => c.tool).join(", ")} call(s) on current data.`;
  } catch (error) {
    if (error instanceof AppError && (error.code === "not_found" || error.code === "invalid_input")) {
      return `Could not verify this answer: ${error.userMessage}`;
    }
    throw error;
  }
}
