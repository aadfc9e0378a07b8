import type { App, MessageShortcut } from "@slack/bolt";
import { CALLBACKS, feedbackModal } from "../render/blocks.ts";
import { prefillFromMessage } from "../render/feedback-prefill.ts";
import type { BotDeps } from "../slack/deps.ts";

/** Where the ticket confirmation goes: the thread of the message the shortcut was used on. */
export interface FeedbackOrigin {
  channel: string;
  threadTs: string;
  user: string;
}

/** Message shortcut "Log as customer feedback": opens the ticket modal prefilled from the message (acked by middleware). */
export function registerFeedbackShortcut(app: App, deps: BotDeps): void {
  app.shortcut<MessageShortcut>(CALLBACKS.feedbackShortcut, async ({ shortcut, client }) => {
    const origin: FeedbackOrigin = {
      channel: shortcut.channel.id,
      threadTs: shortcut.message.thread_ts ?? shortcut.message.ts,
      user: shortcut.user.id,
    };
    // views.open must use the trigger id within 3 seconds, so it runs before anything else.
    await client.views
      .open({
        trigger_id: shortcut.trigger_id,
        view: feedbackModal(prefillFromMessage(shortcut.message.text ?? ""), JSON.stringify(origin)),
      })
      .catch((error) => deps.logger.error("could not open the feedback modal", error));
  });
}
