import type { webApi } from "@slack/bolt";
import { resolveCaller } from "../../agent/callers.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import { freshnessOf } from "../render/answer-view.ts";
import { escapeControl } from "../render/escape.ts";
import { answerQuestion } from "./answer-question.ts";
import { type BotDeps, friendlyError, invokeOptions } from "./deps.ts";
import { fallbackCall, questionById } from "./home-questions.ts";

/**
 * A one-click question from the Home tab: posted in the user's DM with Beacon (a user id as channel opens it, with
 * chat:write alone), answered in its thread by the analyst; without a model, by the tool call behind the question.
 */
export async function askFromHome(
  deps: BotDeps,
  client: webApi.WebClient,
  userId: string,
  questionId: string,
): Promise<void> {
  const q = questionById(questionId);
  if (!q) {
    await deps.delivery.postText(userId, undefined, "That button is from an older Home tab: open the Home tab again.");
    return;
  }
  const posted = await client.chat.postMessage({
    channel: userId,
    text: `<@${userId}> asked from the Home tab: ${escapeControl(q.question)}`,
  });
  const channel = posted.channel ?? userId;
  const threadTs = posted.ts;
  if (!threadTs) return;
  if (deps.analyst.modelConfigured) {
    await answerQuestion(deps, { question: q.question, userId, channel, threadTs });
    return;
  }
  try {
    const caller = await resolveCaller(deps.db.pool, userId, deps.config.BEACON_DEFAULT_ROLE);
    const { tool, args } = fallbackCall(q, deps.now ?? new Date(), deps.config.BEACON_TIMEZONE);
    const outcome = await invokeTool(deps.db, tool, args, invokeOptions(deps, caller));
    if (!outcome.ok) {
      await deps.delivery.postFailure(channel, threadTs, outcome.error);
      return;
    }
    const summary = String((outcome.result as { summary?: unknown }).summary ?? `${tool} finished.`);
    await deps.delivery.postAnswer(channel, threadTs, {
      runId: null,
      text: `No language model is configured, so here are the numbers behind the question (${tool}): ${summary}`,
      outcome: "ok",
      steps: [{ tool, args, ok: true, rows: null, elapsedMs: outcome.elapsedMs }],
      results: [{ tool, args, result: outcome.result }],
      freshness: freshnessOf(outcome.result),
      model: null,
      suggestions: [],
    });
  } catch (error) {
    deps.logger.error(`home question ${questionId} failed`, error);
    await deps.delivery.postFailure(channel, threadTs, friendlyError(error)).catch(() => undefined);
  }
}
