import type { App, BlockButtonAction } from "@slack/bolt";
import { ACTIONS } from "../render/blocks.ts";
import { answerQuestion } from "../slack/answer-question.ts";
import type { BotDeps } from "../slack/deps.ts";

/** A suggested follow-up button: asked in the same thread, as if the user had typed it (acked by middleware). */
export function registerFollowUp(app: App, deps: BotDeps): void {
  app.action<BlockButtonAction>(new RegExp(`^${ACTIONS.followUp}_\\d$`), async ({ action, body }) => {
    const channel = body.channel?.id;
    const threadTs = body.message?.thread_ts ?? body.message?.ts;
    if (!channel || !threadTs || !action.value) return;
    const question = action.value;
    deps.background(() => answerQuestion(deps, { question, userId: body.user.id, channel, threadTs }));
  });
}
