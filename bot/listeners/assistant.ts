import { Assistant } from "@slack/bolt";
import { resolveCaller } from "../../agent/callers.ts";
import type { Role } from "../../tools/tool.ts";
import { plainText } from "../render/escape.ts";
import { answerQuestion, stripMentions } from "../slack/answer-question.ts";
import type { BotDeps } from "../slack/deps.ts";
import { type FileShareMessage, handleFileShare } from "./file-upload.ts";

/** Suggested prompts per role when a user opens an assistant thread. */
export const SUGGESTED_PROMPTS: Record<Role, { title: string; message: string }[]> = {
  marketer: [
    { title: "ROAS by channel", message: "What was ROAS by channel over the last 30 days?" },
    { title: "Attribution models", message: "Compare Markov and last-touch attribution by channel for last quarter." },
    { title: "本月渠道转化", message: "本月各渠道的转化率和获客成本是多少?" },
  ],
  manager: [
    { title: "Last week in brief", message: "Summarise last week vs the week before: revenue, ROAS, CAC." },
    { title: "Budget reallocation", message: "Where should next month's budget go to maximise revenue?" },
    { title: "Past decisions", message: "What budget proposals did we approve or reject last month?" },
  ],
  support: [
    { title: "Log feedback", message: "Log feedback: customer CUS-0000702 says the parcel arrived broken." },
    { title: "Customer profile", message: "Show me the profile of customer CUS-0000702." },
    { title: "Urgent tickets", message: "Which P1 tickets are still open?" },
  ],
  admin: [
    { title: "What data is there", message: "What data do we have, and how fresh is it?" },
    { title: "ROAS by channel", message: "What was ROAS by channel over the last 30 days?" },
    { title: "Budget reallocation", message: "Where should next month's budget go to maximise revenue?" },
  ],
};

/** Slack's AI-assistant threads: prompts by role, "is thinking…" status with tool progress, title from the question. */
export function createAssistant(deps: BotDeps): Assistant {
  // Threads already titled, so the title stays the first question's (bounded: oldest forgotten first).
  const titled = new Set<string>();
  return new Assistant({
    threadStarted: async ({ event, setSuggestedPrompts }) => {
      const userId = event.assistant_thread.user_id;
      deps.background(async () => {
        const caller = await resolveCaller(deps.db.pool, userId, deps.config.BEACON_DEFAULT_ROLE);
        await setSuggestedPrompts({ title: "Try asking", prompts: SUGGESTED_PROMPTS[caller.role] });
      });
    },
    userMessage: async ({ message, setStatus, setTitle, client, context }) => {
      // A CSV dropped in the assistant thread is an upload to import, not a question.
      if (handleFileShare(deps, client, message as unknown as FileShareMessage)) return;
      if (!("user" in message) || !message.user || !("text" in message) || !message.text) return;
      if (!("thread_ts" in message) || !message.thread_ts) return;
      const question = stripMentions(message.text);
      const user = message.user;
      const threadTs = message.thread_ts;
      const key = `${message.channel}:${threadTs}`;
      deps.background(async () => {
        if (!titled.has(key)) {
          titled.add(key);
          if (titled.size > 10_000) titled.delete(titled.values().next().value as string);
          await setTitle(plainText(question, 80)).catch((error) => deps.logger.warn("setTitle failed", error));
        }
        await setStatus("is thinking…").catch((error) => deps.logger.warn("setStatus failed", error));
        await answerQuestion(deps, {
          question,
          userId: user,
          channel: message.channel,
          threadTs,
          teamId: context.teamId,
          onProgress: progressUpdater((status) => setStatus(plainText(status, 120)), deps),
        });
      });
    },
  });
}

/** Forwards progress texts to the status line, one request at a time; the latest text wins. */
function progressUpdater(send: (status: string) => Promise<unknown>, deps: BotDeps): (status: string) => void {
  let pending: string | null = null;
  let busy = false;
  const pump = async () => {
    busy = true;
    while (pending !== null) {
      const next = pending;
      pending = null;
      await send(next).catch((error) => deps.logger.warn("status update failed", error));
    }
    busy = false;
  };
  return (status) => {
    pending = status;
    if (!busy) void pump();
  };
}
