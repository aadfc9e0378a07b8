import type { App } from "@slack/bolt";
import { resolveCallerIn } from "../../agent/callers.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import { CALLBACKS } from "../render/blocks.ts";
import { escapeControl } from "../render/escape.ts";
import { type BotDeps, friendlyError, invokeOptions } from "../slack/deps.ts";
import { claimEvent } from "../slack/processed-events.queries.ts";
import { confirmTicket, permalinkFor } from "../slack/ticket-jobs.ts";
import type { FeedbackOrigin } from "./feedback-shortcut.ts";

type Values = Record<string, Record<string, { value?: string | null; selected_option?: { value: string } | null }>>;

/** The feedback modal's submission -> log_feedback_ticket (idempotent per modal) -> the ticket id in the thread. */
export function registerFeedbackSubmit(app: App, deps: BotDeps): void {
  app.view(CALLBACKS.feedbackModal, async ({ ack, view, body }) => {
    const values = view.state.values as Values;
    const field = (id: string) => values[id]?.value?.value ?? values[id]?.value?.selected_option?.value ?? undefined;
    const bodyText = field("body") ?? "";
    if (bodyText.trim() === "") {
      await ack({ response_action: "errors", errors: { body: "Enter the customer's feedback." } });
      return;
    }
    await ack();
    const origin = JSON.parse(view.private_metadata) as FeedbackOrigin;
    deps.background(async () => {
      if (!(await claimEvent(deps.db.pool, `view:${view.id}`, "interaction"))) return;
      try {
        // The confirmation is posted in the original conversation: masked for its audience.
        const caller = await resolveCallerIn(
          deps.db.pool,
          body.user.id,
          deps.config.BEACON_DEFAULT_ROLE,
          origin.channel,
        );
        const customer = field("customer")?.trim();
        const permalink = permalinkFor(body.team?.domain, origin.channel, origin.threadTs);
        const args = {
          ...(customer ? { customer } : { customer_hint: `Slack message in <#${origin.channel}>` }),
          source_channel: field("source_channel"),
          category: field("category"),
          sentiment: field("sentiment"),
          severity: field("severity"),
          body: bodyText,
          idempotency_key: `slack-view:${view.id}`,
          slack_permalink: permalink,
          confirm_in_slack: true,
        };
        const outcome = await invokeTool(deps.db, "log_feedback_ticket", args, invokeOptions(deps, caller));
        if (!outcome.ok) {
          await deps.delivery.ephemeral(
            origin.channel,
            body.user.id,
            `:warning: The ticket was not filed: ${escapeControl(outcome.error)}`,
            origin.threadTs,
          );
          return;
        }
        const result = outcome.result as { summary?: unknown; ticket?: { id?: unknown } | null };
        const text = `:ticket: ${escapeControl(String(result.summary ?? "Ticket filed."))} (filed by <@${body.user.id}>)`;
        const ticketId = Number(result.ticket?.id);
        if (Number.isInteger(ticketId) && ticketId > 0) await confirmTicket(deps, ticketId, text, permalink);
        else await deps.delivery.postText(origin.channel, origin.threadTs, text);
      } catch (error) {
        deps.logger.error("filing feedback failed", error);
        await deps.delivery
          .ephemeral(origin.channel, body.user.id, `:warning: ${friendlyError(error)}`)
          .catch(() => undefined);
      }
    });
  });
}
