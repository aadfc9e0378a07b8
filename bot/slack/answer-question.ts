import { resolveCallerIn } from "../../agent/callers.ts";
import type { AnswerStream } from "./answer-stream.ts";
import { noteDeliveryFailure } from "./delivery.ts";
import { type BotDeps, friendlyError } from "./deps.ts";

/** One question from Slack: where it came from and where the answer goes. */
export interface SlackQuestion {
  question: string;
  userId: string;
  channel: string;
  /** Thread to answer in (and the conversation key for follow-ups). */
  threadTs: string;
  /** The asker's workspace: Slack needs it to stream an answer outside a DM. */
  teamId?: string;
  onProgress?: (status: string) => void;
}

/** Asks the analyst and posts the answer (or a clear failure message) in the thread. */
export async function answerQuestion(deps: BotDeps, q: SlackQuestion): Promise<void> {
  let runId = 0;
  let stream: AnswerStream | null | undefined;
  try {
    // Masked for who reads the thread: only a DM (or assistant thread) shows personal data to a permitted role.
    const caller = await resolveCallerIn(deps.db.pool, q.userId, deps.config.BEACON_DEFAULT_ROLE, q.channel);
    // Streaming lives in the posting layer: progress goes to the stream, the checked answer ends it (answer-stream.ts).
    const opened = deps.answerStreams?.open(q);
    stream = opened;
    if (opened) await opened.begin();
    const onProgress =
      opened && !opened.failed
        ? (status: string) => {
            opened.progress(status);
            q.onProgress?.(status);
          }
        : q.onProgress;
    const answer = await deps.analyst.ask({
      question: q.question,
      userId: q.userId,
      surface: "slack",
      threadKey: `${q.channel}:${q.threadTs}`,
      channelId: q.channel,
      threadTs: q.threadTs,
      caller,
      onProgress,
      now: deps.now,
    });
    // The user sees the short sentence; what the operator must fix (endpoint, variable, retries) goes to the log.
    if (answer.failure?.detail) deps.logger.error(`answering in ${q.channel}:${q.threadTs}: ${answer.failure.detail}`);
    runId = answer.runId;
    if (stream && (await stream.finish(answer))) return;
    await deps.delivery.postAnswer(q.channel, q.threadTs, answer);
  } catch (error) {
    deps.logger.error(`answering in ${q.channel}:${q.threadTs} failed`, error);
    await stream?.abandon();
    // An answer Slack never took is audited as such, and the user is told why (if anything still gets through).
    const message = await noteDeliveryFailure(deps.db.pool, deps.logger, runId, error, friendlyError(error));
    await deps.delivery.postFailure(q.channel, q.threadTs, message).catch((postError) => {
      deps.logger.error("could not post the failure message either", postError);
    });
  }
}

/** The question without the leading bot mention(s). */
export function stripMentions(text: string): string {
  return text.replace(/<@[A-Z0-9]+(\|[^>]*)?>/g, "").trim();
}
