import type { App, BlockButtonAction } from "@slack/bolt";
import { ACTIONS } from "../render/blocks.ts";
import { toSafeMrkdwn } from "../render/escape.ts";
import { answerQuestion } from "../slack/answer-question.ts";
import type { BotDeps } from "../slack/deps.ts";

/** A suggested follow-up button: asked in the same thread, as if the user had typed it (acked by middleware). */
export function registerFollowUp(app: App, deps: BotDeps): void {
  app.action<BlockButtonAction>(new RegExp(`^${ACTIONS.followUp}_\\d$`), async ({ action, body, context }) => {
    const channel = body.channel?.id;
    const threadTs = body.message?.thread_ts ?? body.message?.ts;
    if (!channel || !threadTs || !action.value) return;
    const question = action.value;
    const user = body.user.id;
    deps.background(async () => {
      // The thread shows what was asked, as if the user had typed it.
      await deps.delivery.postText(channel, threadTs, `<@${user}> asked: ${toSafeMrkdwn(question)}`);
      await answerQuestion(deps, { question, userId: user, channel, threadTs, teamId: context.teamId });
    });
  });
}
