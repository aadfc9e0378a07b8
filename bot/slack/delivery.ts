import type { types, webApi } from "@slack/bolt";
import type { DisplaySettings } from "../../tools/number-format.ts";
import type { AnswerView } from "../render/answer-view.ts";
import { answerBlocks, failureBlocks, type RenderedAnswer } from "../render/blocks.ts";
import { chartsFor } from "../render/charts.ts";
import { renderChartPng } from "../render/png.ts";
import { toCsv } from "../render/table.ts";
import type { ChannelPacer } from "./pacer.ts";

type Logger = { warn(...args: unknown[]): void; error(...args: unknown[]): void };

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
    if (header) rendered.blocks.unshift({ type: "context", elements: [{ type: "mrkdwn", text: header }] });
    const ts = await this.postRendered(channel, threadTs, rendered);
    const thread = threadTs ?? ts;
    for (const table of rendered.csvTables) {
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
    return ts;
  }

  /** A short failure message in the thread: never silence. */
  async postFailure(channel: string, threadTs: string | undefined, message: string): Promise<void> {
    await this.postRendered(channel, threadTs, failureBlocks(message));
  }

  /** Plain mrkdwn text (already safe) in a thread. */
  async postText(channel: string, threadTs: string | undefined, text: string): Promise<string | undefined> {
    const response = await this.pacer.run(channel, () =>
      this.client.chat.postMessage({ channel, thread_ts: threadTs, text, unfurl_links: false, unfurl_media: false }),
    );
    return response.ts;
  }

  /** A message only `user` sees. */
  async ephemeral(channel: string, user: string, text: string, threadTs?: string): Promise<void> {
    await this.client.chat.postEphemeral({ channel, user, text, thread_ts: threadTs });
  }

  private async postRendered(channel: string, threadTs: string | undefined, rendered: RenderedAnswer) {
    const response = await this.pacer.run(channel, () =>
      this.client.chat.postMessage({
        channel,
        thread_ts: threadTs,
        text: rendered.text,
        blocks: rendered.blocks as types.KnownBlock[],
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
