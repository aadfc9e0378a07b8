import type { webApi } from "@slack/bolt";
import { recordDeliveryFailure } from "../../agent/audit.ts";
import type { Queryable } from "../../db/pool.ts";
import type { DisplaySettings } from "../../tools/number-format.ts";
import type { AnswerView } from "../render/answer-view.ts";
import { answerBlocks, failureBlocks, type RenderedAnswer } from "../render/blocks.ts";
import { chartsFor } from "../render/charts.ts";
import { slackPlainAnswer } from "../render/plain-answer.ts";
import { renderChartPng } from "../render/png.ts";
import { capText, SLACK_LIMITS } from "../render/slack-limits.ts";
import { type Table, toCsv } from "../render/table.ts";
import { DeliveryFailed } from "./delivery-errors.ts";
import type { ChannelPacer } from "./pacer.ts";
import { postWithinLimits, updateWithinLimits } from "./post-within-limits.ts";

type Logger = { warn(...args: unknown[]): void; error(...args: unknown[]): void };

export { DeliveryFailed, slackErrorOf } from "./delivery-errors.ts";

/**
 * After a failed post: the audit row of the run (when there is one) records the delivery failure, and the message
 * the user should get instead (a DeliveryFailed says why Slack refused; anything else gets `otherwise`).
 */
export async function noteDeliveryFailure(
  db: Queryable,
  logger: Logger,
  runId: number,
  error: unknown,
  otherwise: string,
): Promise<string> {
  if (!(error instanceof DeliveryFailed)) return otherwise;
  if (runId > 0) {
    await recordDeliveryFailure(db, runId, error.slackError).catch((auditError: unknown) => {
      logger.error(`could not record the delivery failure of run ${runId}`, auditError);
    });
  }
  return error.userMessage;
}

/** Posts rendered answers, CSV files and charts to Slack, paced per channel. */
export class SlackDelivery {
  constructor(
    private readonly client: webApi.WebClient,
    private readonly pacer: ChannelPacer,
    private readonly logger: Logger,
    /** Currency and time zone numbers and times are shown in (BEACON_CURRENCY, BEACON_TIMEZONE). */
    private readonly display: DisplaySettings,
  ) {}

  /** The answer in the thread, then its big tables as CSV and its charts as PNG files. */
  async postAnswer(
    channel: string,
    threadTs: string | undefined,
    view: AnswerView,
    header?: string,
  ): Promise<string | undefined> {
    const rendered = answerBlocks(view, this.display);
    rendered.plain = slackPlainAnswer(view, this.display);
    if (header) {
      rendered.blocks.unshift({ type: "context", elements: [{ type: "mrkdwn", text: header }] });
      rendered.plain = capText(`${header}\n${rendered.plain}`, SLACK_LIMITS.plainMessageChars);
    }
    const ts = await this.postRendered(channel, threadTs, rendered);
    await this.postFiles(channel, threadTs ?? ts, view, rendered.csvTables);
    return ts;
  }

  /**
   * The answer in place of message `ts` (e.g. a stream an earlier run started and could not end), through the same
   * limits as a post: the first page replaces it (plain text when Slack refuses the blocks), further pages and the
   * files follow in the thread. Throws DeliveryFailed when the message could not be updated.
   */
  async updateAnswer(channel: string, threadTs: string | undefined, ts: string, view: AnswerView): Promise<void> {
    const rendered = answerBlocks(view, this.display);
    const { rest } = await updateWithinLimits(
      this.client,
      { channel, ts },
      { blocks: rendered.blocks, text: rendered.text, plain: slackPlainAnswer(view, this.display) },
      { logger: this.logger, pace: (where, call) => this.pacer.run(where, call), keepRest: true },
    );
    if (rest.length > 0) await this.postRendered(channel, threadTs ?? ts, { ...rendered, blocks: rest });
    await this.postFiles(channel, threadTs ?? ts, view, rendered.csvTables);
  }

  /** Blocks in a thread through the same fitting, validation and plain-text fallback as an answer. */
  async postBlocks(
    channel: string,
    threadTs: string | undefined,
    rendered: RenderedAnswer,
  ): Promise<string | undefined> {
    return this.postRendered(channel, threadTs, rendered);
  }

  /** An answer's big tables as CSV files and its charts as PNG files, in its thread. */
  async postFiles(channel: string, thread: string | undefined, view: AnswerView, csvTables: Table[]): Promise<void> {
    for (const table of csvTables) {
      await this.upload(channel, thread, {
        file: Buffer.from(toCsv(table, this.display), "utf8"),
        filename: `${table.title.replace(/\W+/g, "-")}.csv`,
        title: `${table.title} (${table.rows.length} rows)`,
      });
    }
    for (const chart of chartsFor(view.results, this.display)) {
      try {
        const png = await renderChartPng(chart);
        await this.upload(channel, thread, { file: png, filename: chart.filename, title: chart.title });
      } catch (error) {
        this.logger.warn(`chart ${chart.filename} not sent: ${(error as Error).message}`);
      }
    }
  }

  /** A short failure message in the thread (plain text if Slack refuses the blocks): never silence. */
  async postFailure(channel: string, threadTs: string | undefined, message: string): Promise<void> {
    await this.postRendered(channel, threadTs, failureBlocks(message));
  }

  /** Plain mrkdwn text (already safe) in a thread. */
  async postText(channel: string, threadTs: string | undefined, text: string): Promise<string | undefined> {
    return this.postRendered(channel, threadTs, { blocks: [], text, csvTables: [] });
  }

  /** A message only `user` sees. */
  async ephemeral(channel: string, user: string, text: string, threadTs?: string): Promise<void> {
    const capped = capText(text, SLACK_LIMITS.plainMessageChars);
    await this.client.chat.postEphemeral({ channel, user, text: capped, thread_ts: threadTs });
  }

  /**
   * Blocks go out the one way every message does (postWithinLimits): fitted to Slack's limits after escaping, split
   * over as many messages as needed, sent once more as plain text when Slack refuses the blocks, paced per channel.
   * Throws DeliveryFailed when nothing could be posted.
   */
  private async postRendered(channel: string, threadTs: string | undefined, rendered: RenderedAnswer) {
    const posted = await postWithinLimits(
      this.client,
      { channel, threadTs },
      { blocks: rendered.blocks, text: rendered.text, plain: rendered.plain },
      { logger: this.logger, pace: (where, call) => this.pacer.run(where, call) },
    );
    return posted.ts;
  }

  private async upload(
    channel: string,
    threadTs: string | undefined,
    file: { file: Buffer; filename: string; title: string },
  ) {
    try {
      await this.pacer.run(channel, () =>
        this.client.files.uploadV2(
          threadTs
            ? { channel_id: channel, thread_ts: threadTs, file: file.file, filename: file.filename, title: file.title }
            : { channel_id: channel, file: file.file, filename: file.filename, title: file.title },
        ),
      );
    } catch (error) {
      this.logger.warn(`upload of ${file.filename} failed: ${(error as Error).message}`);
    }
  }
}
