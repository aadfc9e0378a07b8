import type { App } from "@slack/bolt";
import { answerQuestion } from "../slack/answer-question.ts";
import type { BotDeps } from "../slack/deps.ts";
import { beaconAnsweredInThread } from "../slack/thread-membership.queries.ts";

/** The fields of a message event this listener reads (message.channels / message.groups). */
interface ChannelMessage {
  channel: string;
  channel_type?: string;
  user?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  parent_user_id?: string;
  subtype?: string;
  bot_id?: string;
}

/**
 * Whether a channel message is a follow-up for Beacon without a new mention: a user's plain reply (no edit, no bot,
 * no file share) inside a thread, not addressed to anyone by mention. Whether Beacon is in that thread is checked
 * after (it needs the database).
 */
export function isThreadFollowUp(message: ChannelMessage, botUserId: string | undefined): boolean {
  if (message.channel_type !== "channel" && message.channel_type !== "group") return false;
  if (message.subtype !== undefined || message.bot_id || !message.user || !message.text?.trim()) return false;
  if (!message.thread_ts || message.thread_ts === message.ts) return false;
  if (botUserId && message.user === botUserId) return false;
  // A mention of Beacon is the app_mention listener's; a mention of someone else is talk between people.
  return !/<@[A-Z0-9]+(\|[^>]*)?>/.test(message.text);
}

/**
 * A reply in a channel thread where Beacon has answered (or that Beacon started) is a follow-up: answered in that
 * thread with the same memory as a mention, no @Beacon needed. Other threads and top-level messages are ignored.
 */
export function registerThreadReply(app: App, deps: BotDeps): void {
  app.message(async ({ message, context }) => {
    const m = message as unknown as ChannelMessage;
    if (!isThreadFollowUp(m, context.botUserId)) return;
    const threadTs = m.thread_ts as string;
    const user = m.user as string;
    const question = (m.text as string).trim();
    deps.background(async () => {
      const started = context.botUserId !== undefined && m.parent_user_id === context.botUserId;
      if (!started && !(await beaconAnsweredInThread(deps.db.pool, m.channel, threadTs))) return;
      await answerQuestion(deps, { question, userId: user, channel: m.channel, threadTs, teamId: context.teamId });
    });
  });
}
