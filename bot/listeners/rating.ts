import type { App, BlockAction, BlockButtonAction, FeedbackButtonsAction } from "@slack/bolt";
import { ACTIONS, CALLBACKS, parseFeedbackValue, ratingModal } from "../render/blocks.ts";
import type { BotDeps } from "../slack/deps.ts";

interface RatingOrigin {
  runId: number;
  channel: string;
  user: string;
  threadTs?: string;
}

/**
 * 👍 stores the rating at once; 👎 opens "what was wrong?" and stores the rating with the comment (acked by
 * middleware). Answers carry Slack's feedback_buttons; the older rate_up / rate_down buttons keep working.
 */
export function registerRating(app: App, deps: BotDeps): void {
  app.action<BlockAction<FeedbackButtonsAction>>(ACTIONS.feedback, async ({ action, body, client }) => {
    const clicked = parseFeedbackValue(action.value);
    if (!clicked) return;
    const channel = body.channel?.id;
    if (clicked.rating === 1) {
      deps.background(async () => {
        await deps.analyst.rate(clicked.runId, 1);
        if (channel)
          await deps.delivery.ephemeral(channel, body.user.id, "Thanks, noted :+1:", body.message?.thread_ts);
      });
      return;
    }
    const origin: RatingOrigin = {
      runId: clicked.runId,
      channel: channel ?? "",
      user: body.user.id,
      threadTs: body.message?.thread_ts ?? body.message?.ts,
    };
    await client.views
      .open({ trigger_id: body.trigger_id, view: ratingModal(JSON.stringify(origin)) })
      .catch((error) => deps.logger.error("could not open the rating modal", error));
  });
  app.action<BlockButtonAction>(ACTIONS.rateUp, async ({ action, body }) => {
    const runId = Number(action.value);
    const channel = body.channel?.id;
    deps.background(async () => {
      await deps.analyst.rate(runId, 1);
      if (channel) await deps.delivery.ephemeral(channel, body.user.id, "Thanks, noted :+1:", body.message?.thread_ts);
    });
  });
  app.action<BlockButtonAction>(ACTIONS.rateDown, async ({ action, body, client }) => {
    const origin: RatingOrigin = {
      runId: Number(action.value),
      channel: body.channel?.id ?? "",
      user: body.user.id,
      threadTs: body.message?.thread_ts ?? body.message?.ts,
    };
    await client.views
      .open({ trigger_id: body.trigger_id, view: ratingModal(JSON.stringify(origin)) })
      .catch((error) => deps.logger.error("could not open the rating modal", error));
  });
  app.view(CALLBACKS.ratingModal, async ({ ack, view }) => {
    await ack();
    const origin = JSON.parse(view.private_metadata) as RatingOrigin;
    const comment = (view.state.values.comment?.value?.value ?? "").trim();
    deps.background(async () => {
      await deps.analyst.rate(origin.runId, -1, comment === "" ? undefined : comment);
      if (origin.channel) {
        await deps.delivery.ephemeral(
          origin.channel,
          origin.user,
          "Thanks: your note goes to the team that tunes Beacon.",
          origin.threadTs,
        );
      }
    });
  });
}
