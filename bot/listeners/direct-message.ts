import type { App } from "@slack/bolt";
import { answerQuestion, stripMentions } from "../slack/answer-question.ts";
import type { BotDeps } from "../slack/deps.ts";

/** A direct message outside an assistant thread: answered in its own thread (assistant threads have their listener). */
export function registerDirectMessage(app: App, deps: BotDeps): void {
  app.message(async ({ message, context }) => {
    if (message.channel_type !== "im" || message.subtype !== undefined) return;
    if (!("user" in message) || !message.user || !message.text || message.bot_id) return;
    const question = stripMentions(message.text);
    const user = message.user;
    const threadTs = message.thread_ts ?? message.ts;
    if (question === "") return;
    deps.background(() =>
      answerQuestion(deps, { question, userId: user, channel: message.channel, threadTs, teamId: context.teamId }),
    );
  });
}
