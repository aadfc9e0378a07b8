import type { types, webApi } from "@slack/bolt";
import { recordDeliveryFailure } from "../../agent/audit.ts";
import type { Queryable } from "../../db/pool.ts";
import type { DisplaySettings } from "../../tools/number-format.ts";
import type { AnswerView } from "../render/answer-view.ts";
import { answerBlocks, failureBlocks, type RenderedAnswer } from "../render/blocks.ts";
import { chartsFor } from "../render/charts.ts";
import { slackPlainAnswer } from "../render/plain-answer.ts";
import { renderChartPng } from "../render/png.ts";
import { capText, fitMessages, messageViolation, SLACK_LIMITS } from "../render/slack-limits.ts";
import { type Table, toCsv } from "../render/table.ts";
import type { ChannelPacer } from "./pacer.ts";

type Logger = { warn(...args: unknown[]): void; error(...args: unknown[]): void };

/** A message the limits module refused before sending: handled like Slack's invalid_blocks. */
class BlocksRefusedLocally extends Error {
  readonly data = { error: "invalid_blocks" };
}

/** Slack errors about the blocks or the size of a message: a plain-text retry can still get through. */
const BLOCK_ERRORS = new Set([
  "invalid_blocks",
  "invalid_blocks_format",
  "msg_too_long",
  "msg_blocks_too_long",
  "invalid_attachments",
  "too_many_attachments",
]);

/** A message that never reached Slack: the Slack error (or what the request hit) for the log and the audit row. */
export class DeliveryFailed extends Error {
  constructor(
    readonly slackError: string,
    options?: { cause?: unknown },
  ) {
    super(`Slack did not take the message: ${slackError}`, options);
    this.name = "DeliveryFailed";
  }

  /** What the user is told, if any message still gets through. */
  get userMessage(): string {
    return `I had an answer, but Slack would not accept it (${this.slackError}). Please ask again, perhaps for less at once; if it keeps happening, tell the Beacon admin.`;
  }
}

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

/** The Slack error code of a failed Web API call (`invalid_blocks`), else the HTTP status or the request failure. */
export function slackErrorOf(error: unknown): string {
  const e = error as { data?: { error?: string }; statusCode?: number; original?: Error; message?: string };
  if (e?.data?.error) return e.data.error;
  if (e?.statusCode) return `http_${e.statusCode}`;
  if (e?.original?.message) return `request_failed: ${e.original.message}`;
  return e?.message ?? String(error);
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
    return this.send(channel, threadTs, { text: capText(text, SLACK_LIMITS.plainMessageChars) });
  }

  /** A message only `user` sees. */
  async ephemeral(channel: string, user: string, text: string, threadTs?: string): Promise<void> {
    const capped = capText(text, SLACK_LIMITS.plainMessageChars);
    await this.client.chat.postEphemeral({ channel, user, text: capped, thread_ts: threadTs });
  }

  /**
   * The one way blocks go out: fitted to Slack's limits (after escaping) and split over as many messages as needed;
   * when Slack still refuses the blocks, the message is sent once more as plain text. Throws DeliveryFailed when
   * nothing could be posted.
   */
  private async postRendered(channel: string, threadTs: string | undefined, rendered: RenderedAnswer) {
    let first: string | undefined;
    for (const [i, blocks] of fitMessages(rendered.blocks).entries()) {
      const thread = threadTs ?? first;
      const text = i === 0 ? capText(rendered.text, SLACK_LIMITS.sectionChars) : "(continued)";
      try {
        // Checked before sending: a message Slack would refuse goes out as plain text without the round trip.
        const violation = messageViolation(blocks);
        if (violation) throw new BlocksRefusedLocally(violation);
        const ts = await this.send(channel, thread, { text, blocks });
        first ??= ts;
      } catch (error) {
        const code = slackErrorOf(error);
        if (!BLOCK_ERRORS.has(code)) throw new DeliveryFailed(code, { cause: error });
        this.logger.warn(`Slack refused the blocks in ${channel} (${code}); sending them once more as plain text`);
        try {
          const plain = capText(rendered.plain ?? rendered.text, SLACK_LIMITS.plainMessageChars);
          const ts = await this.send(channel, thread, { text: plain });
          return first ?? ts;
        } catch (retryError) {
          throw new DeliveryFailed(`${code}, then ${slackErrorOf(retryError)}`, { cause: retryError });
        }
      }
    }
    return first;
  }

  private async send(channel: string, threadTs: string | undefined, message: { text: string; blocks?: unknown[] }) {
    const response = await this.pacer.run(channel, () =>
      this.client.chat.postMessage({
        channel,
        thread_ts: threadTs,
        text: message.text,
        ...(message.blocks ? { blocks: message.blocks as types.KnownBlock[] } : {}),
        unfurl_links: false,
        unfurl_media: false,
      }),
    );
    return response.ts;
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
