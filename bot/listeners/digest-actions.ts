import type { App, BlockButtonAction } from "@slack/bolt";
import { resolveCaller } from "../../agent/callers.ts";
import { DIGEST_ACTIONS } from "../render/digest-blocks.ts";
import { answerQuestion } from "../slack/answer-question.ts";
import { type BotDeps, friendlyError } from "../slack/deps.ts";
import { digestContent } from "../slack/digest-content.ts";
import { type DigestPeriod, type DigestView, dateIn, periodDates } from "../slack/digest-periods.ts";
import { findRun, type RunWithDigest } from "../slack/digests.queries.ts";

const NO_MODEL =
  "Asking about a digest needs a language model, and none is configured (OPENAI_API_KEY is not set). The numbers above come from the tools without one; `/beacon kpi` and the other commands work too.";

/** "Ask about this" and "By campaign" under a digest; both answer in the digest's thread (acked by middleware). */
export function registerDigestActions(app: App, deps: BotDeps): void {
  app.action<BlockButtonAction>(DIGEST_ACTIONS.ask, async ({ action, body }) => {
    const channel = body.channel?.id;
    const threadTs = body.message?.thread_ts ?? body.message?.ts;
    if (!channel || !threadTs) return;
    deps.background(() => ask(deps, Number(action.value), body.user.id, channel, threadTs));
  });
  app.action<BlockButtonAction>(DIGEST_ACTIONS.byCampaign, async ({ action, body }) => {
    const channel = body.channel?.id;
    const threadTs = body.message?.thread_ts ?? body.message?.ts;
    if (!channel || !threadTs) return;
    deps.background(() => byCampaign(deps, Number(action.value), body.user.id, channel, threadTs));
  });
}

/** Posts the question into the digest's thread and answers it with the analyst (or says there is no model). */
async function ask(deps: BotDeps, runId: number, user: string, channel: string, threadTs: string): Promise<void> {
  const run = await findRun(deps.db.pool, runId);
  if (!run) {
    await deps.delivery.ephemeral(channel, user, "That digest run is no longer on record.", threadTs);
    return;
  }
  if (!deps.analyst.modelConfigured) {
    await deps.delivery.postText(channel, threadTs, `<@${user}> ${NO_MODEL}`);
    return;
  }
  const question = digestQuestion(run, deps.config.BEACON_TIMEZONE);
  await deps.delivery.postText(channel, threadTs, `<@${user}> asked: ${question}`);
  await answerQuestion(deps, { question, userId: user, channel, threadTs });
}

/** The question "Ask about this" puts to the analyst: the digest's period and view, in words it can act on. */
export function digestQuestion(
  run: Pick<RunWithDigest, "period" | "view" | "scheduled_for">,
  timezone: string,
): string {
  const dates = periodDates(run.period as DigestPeriod, dateIn(run.scheduled_for, timezone));
  return `What drove the biggest changes from ${dates.start} to ${dates.end} compared with the period before, by channel (${run.view} view)?`;
}

/** The marketer view by campaign for the digest's period, in its thread. */
async function byCampaign(deps: BotDeps, runId: number, user: string, channel: string, threadTs: string) {
  try {
    const run = await findRun(deps.db.pool, runId);
    if (!run) {
      await deps.delivery.ephemeral(channel, user, "That digest run is no longer on record.", threadTs);
      return;
    }
    const caller = await resolveCaller(deps.db.pool, user, deps.config.BEACON_DEFAULT_ROLE);
    const content = await digestContent(
      {
        db: deps.db,
        timezone: deps.config.BEACON_TIMEZONE,
        currency: deps.config.BEACON_CURRENCY,
        caller,
      },
      { view: run.view as DigestView, period: run.period as DigestPeriod },
      run.scheduled_for,
      { byCampaign: true },
    );
    const header = `<@${user}> asked for the digest by campaign (${content.dates.start} to ${content.dates.end}, marketer view)`;
    await deps.delivery.postAnswer(channel, threadTs, content.view, header);
  } catch (error) {
    deps.logger.error("digest by campaign failed", error);
    await deps.delivery.postFailure(channel, threadTs, friendlyError(error)).catch(() => undefined);
  }
}
