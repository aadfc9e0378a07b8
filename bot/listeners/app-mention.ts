import type { App } from "@slack/bolt";
import { answerQuestion, stripMentions } from "../slack/answer-question.ts";
import type { BotDeps } from "../slack/deps.ts";

/** @Beacon in a channel: the answer goes in that message's thread; a mention inside a thread continues it. */
export function registerAppMention(app: App, deps: BotDeps): void {
  app.event("app_mention", async ({ event, context }) => {
    const question = stripMentions(event.text ?? "");
    const threadTs = event.thread_ts ?? event.ts;
    if (!event.user) return;
    const user = event.user;
    deps.background(async () => {
      if (question === "") {
        await deps.delivery.postText(
          event.channel,
          threadTs,
          "Ask me about your marketing data, e.g. _ROAS by channel last month_. `/beacon help` lists commands.",
        );
        return;
      }
      await answerQuestion(deps, { question, userId: user, channel: event.channel, threadTs, teamId: context.teamId });
    });
  });
}
