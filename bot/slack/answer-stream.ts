import type { types, webApi } from "@slack/bolt";
import type { AgentAnswer } from "../../agent/types.ts";
import type { DisplaySettings } from "../../tools/number-format.ts";
import type { AnswerView } from "../render/answer-view.ts";
import { answerBlocks, type RenderedAnswer } from "../render/blocks.ts";
import { defuseAtMentions, escapeControl } from "../render/escape.ts";
import { fitMessages, messageViolation, SLACK_LIMITS, splitPlain } from "../render/slack-limits.ts";
import { type TaskStep, TaskSteps } from "../render/task-steps.ts";
import type { SlackDelivery } from "./delivery.ts";
import { slackErrorOf } from "./delivery.ts";

type Logger = { warn(...args: unknown[]): void; error(...args: unknown[]): void };
type Chunk = types.AnyChunk;
type AnyBlock = types.KnownBlock | types.Block;

/** Where a streamed answer goes and who asked (Slack needs the recipient to stream outside a DM). */
export interface StreamTarget {
  channel: string;
  threadTs: string;
  userId: string;
  teamId?: string;
  question: string;
}

export interface AnswerStreamOptions {
  /**
   * Least time between two appendStream calls of one stream. chat.appendStream is Tier 4 (100+ a minute per
   * workspace); one a second per stream leaves room for several answers at once. Updates in between are merged.
   */
  appendIntervalMs?: number;
  /** Remembers each stream's message per queued job, so a retried job finishes it instead of starting another. */
  memo?: StreamMemo;
}

/** A stream's place among a queued job's posts (bot/jobs/post-memo.ts streamMemo). */
export interface StreamMemo {
  /**
   * Null outside a queued job. Else what an earlier run of the job stored at this place (the ts of the message it
   * streamed into, or null when it could not stream) and how to store this run's ts.
   */
  claim(channel: string): Promise<{
    earlier: { ts: string | null } | null;
    record(ts: string | undefined): Promise<void>;
  } | null>;
}

/** What AnswerStream needs of a stream: the library's ChatStreamer, or the calls on a message started earlier. */
interface StreamCalls {
  append(args: { chunks: Chunk[] }): Promise<unknown>;
  stop(args: { chunks?: Chunk[]; blocks?: types.KnownBlock[]; markdown_text?: string }): Promise<unknown>;
}

/** appendStream / stopStream on a message an earlier run of the job started (it died before stopping it). */
class ResumedStream implements StreamCalls {
  constructor(
    private readonly client: webApi.WebClient,
    private readonly channel: string,
    private readonly ts: string,
  ) {}

  async append(args: { chunks: Chunk[] }): Promise<unknown> {
    return this.client.chat.appendStream({ channel: this.channel, ts: this.ts, ...args });
  }

  async stop(args: { chunks?: Chunk[]; blocks?: types.KnownBlock[]; markdown_text?: string }): Promise<unknown> {
    return this.client.chat.stopStream({ channel: this.channel, ts: this.ts, ...args });
  }
}

/** Model Markdown made safe for a markdown_text chunk: no mentions, no disguised links. */
export function toSafeMarkdown(markdown: string): string {
  return defuseAtMentions(escapeControl(markdown)).replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, "$1 ($2)");
}

/** Opens streams for answers; one per question. */
export class AnswerStreams {
  constructor(
    private readonly client: webApi.WebClient,
    private readonly delivery: SlackDelivery,
    private readonly logger: Logger,
    private readonly display: DisplaySettings,
    private readonly options: AnswerStreamOptions = {},
  ) {}

  /** A stream for this question, or null where Slack cannot stream (a channel thread without the user's team). */
  open(target: StreamTarget): AnswerStream | null {
    const isDm = target.channel.startsWith("D");
    if (!isDm && !target.teamId) return null;
    return new AnswerStream(this.client, this.delivery, this.logger, this.display, target, this.options);
  }
}

/**
 * One answer streamed with chat.startStream / appendStream / stopStream. The order of events is what keeps unchecked
 * numbers from the user:
 *   1. startStream at once: the plan title and "Reading the question" (first visible progress);
 *   2. appendStream while tools run: task updates only (tool name, then rows and time), merged and at most one call
 *      per appendIntervalMs;
 *   3. the analyst returns only after its grounding check (every number traced to a tool result, or marked);
 *   4-6. stopStream, chunks in this order: every task settled, "Checked every number against the tool results",
 *      the alert blocks, the answer text (markdown, escaped); then its blocks: the table, "How I got this",
 *      next-question buttons and the feedback buttons (a text over 12,000 characters adds appends before it);
 *   7. CSV and chart files in the thread.
 * Any Slack error before step 5 leaves the answer to the post path (finish returns false); an error on the blocks
 * at step 6 ends the stream without them and posts them as a message of their own.
 */
export class AnswerStream {
  private readonly steps = new TaskSteps();
  private readonly chatStreamer: webApi.ChatStreamer;
  private streamer: StreamCalls;
  /** The message an earlier run of this job streamed into: this run continues it (or replaces it when it ended). */
  private resumedTs: string | null = null;
  private readonly pending = new Map<string, TaskStep>();
  private failure: string | null = null;
  /** begin() was called: progress is taken from now on. */
  private accepting = false;
  /** startStream succeeded: there is a message to append to and to stop. */
  private opened = false;
  private lastSentAt = 0;
  private flushTimer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  /** When startStream answered: the first progress the user sees. */
  firstProgressAt: number | null = null;

  constructor(
    private readonly client: webApi.WebClient,
    private readonly delivery: SlackDelivery,
    private readonly logger: Logger,
    private readonly display: DisplaySettings,
    private readonly target: StreamTarget,
    private readonly options: AnswerStreamOptions,
  ) {
    this.chatStreamer = client.chatStream({
      channel: target.channel,
      thread_ts: target.threadTs,
      ...(target.channel.startsWith("D")
        ? {}
        : { recipient_user_id: target.userId, recipient_team_id: target.teamId as string }),
      task_display_mode: "plan",
    });
    this.streamer = this.chatStreamer;
  }

  /** True once Slack refused a stream call: the answer then goes out the post path. */
  get failed(): boolean {
    return this.failure !== null;
  }

  /** Starts the stream with the plan and the first step; false when Slack cannot stream here. */
  async begin(): Promise<boolean> {
    const slot = await this.options.memo?.claim(this.target.channel);
    if (slot?.earlier) this.resumeFrom(slot.earlier.ts);
    const title = `Working on: ${this.target.question.replace(/\s+/g, " ").slice(0, 120)}`;
    const first = this.steps.begin("Reading the question");
    this.accepting = true;
    await this.send([{ type: "plan_update", title: escapeControl(title) }, ...first.map(taskChunk)]);
    if (!this.failed) {
      this.opened = true;
      this.firstProgressAt = Date.now();
    }
    // Stored at once (null when Slack refused the stream): the window left is a kill between the two round trips.
    if (slot && !slot.earlier) await slot.record(this.chatStreamer.ts);
    return !this.failed;
  }

  /** A retried job: its earlier run streamed into `ts` (go on there) or could not stream (answer by post again). */
  private resumeFrom(ts: string | null): void {
    if (ts === null) {
      this.failure = "the earlier run of this job could not stream";
      return;
    }
    this.resumedTs = ts;
    this.streamer = new ResumedStream(this.client, this.target.channel, ts);
  }

  /** A progress text from the analyst (a tool starting): shown as a task update, merged with others in flight. */
  progress(status: string): void {
    if (!this.accepting || this.failed) return;
    for (const step of this.steps.progress(status)) this.pending.set(step.id, step);
    this.scheduleFlush();
  }

  /**
   * Shows the checked answer in the stream and ends it; true when the user got the answer this way, false when the
   * caller must post it (the stream never started or broke before the text).
   */
  async finish(answer: AgentAnswer): Promise<boolean> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    await this.chain;
    // A retried job whose earlier stream has ended (stopped, or timed out at Slack): the answer replaces that message.
    if (this.resumedTs && (!this.opened || this.failed)) return this.replaceResumed(answer);
    if (!this.opened || this.failed) {
      await this.endQuietly("I could not show the progress here; the answer follows below.");
      return false;
    }
    const view: AnswerView = answer;
    const rendered = answerBlocks(view, this.display);
    const parts = rendered.parts ?? { alerts: [], text: [], tables: [], tail: rendered.blocks };
    for (const step of this.steps.finish(answer.steps)) this.pending.set(step.id, step);
    const settled: Chunk[] = [...this.pending.values()].map(taskChunk);
    this.pending.clear();
    if (answer.steps.length > 0) settled.push(groundingChunk(answer));
    if (parts.alerts.length > 0) settled.push({ type: "blocks", blocks: parts.alerts as types.AnyBlock[] });
    const text = toSafeMarkdown(answer.failure && answer.text.trim() === "" ? answer.failure.message : answer.text);
    const pieces = splitPlain(text || "(no answer text)", SLACK_LIMITS.streamMarkdownChars);
    // Only a text over 12,000 characters needs appends of its own; otherwise the settled steps, the alerts, the text
    // and the closing blocks all go in the one stopStream call, so an answer holds no work slot waiting on intervals.
    for (const piece of pieces.slice(0, -1)) {
      await this.send([...settled.splice(0), { type: "markdown_text", text: piece }]);
    }
    if (this.failed && this.resumedTs) return this.replaceResumed(answer);
    if (this.failed) {
      await this.endQuietly("Slack stopped the stream; the full answer follows below.");
      return false;
    }
    settled.push({ type: "markdown_text", text: pieces.at(-1) ?? "" });
    await this.stopWithBlocks(rendered, [...parts.tables, ...parts.tail], settled);
    await this.delivery.postFiles(this.target.channel, this.target.threadTs, view, rendered.csvTables);
    return true;
  }

  /**
   * The answer in place of the message the earlier run streamed into, through the same limits as every message
   * (SlackDelivery.updateAnswer): its first page replaces it (plain text when Slack refuses the blocks), further
   * pages and the files follow in the thread.
   */
  private async replaceResumed(answer: AgentAnswer): Promise<boolean> {
    const { channel, threadTs } = this.target;
    await this.delivery.updateAnswer(channel, threadTs, this.resumedTs as string, answer);
    return true;
  }

  /** Ends the stream with the blocks; when Slack refuses them, ends it without and posts them on their own. */
  private async stopWithBlocks(rendered: RenderedAnswer, blocks: AnyBlock[], chunks: Chunk[]): Promise<void> {
    const [first = [], ...rest] = fitMessages(blocks);
    try {
      // Checked before sending, as every message is: blocks Slack would refuse go to a message of their own.
      const violation = first.length > 0 ? messageViolation(first) : null;
      if (violation) throw new Error(`refused locally: ${violation}`);
      await this.streamer.stop({ chunks, blocks: first as types.KnownBlock[] });
    } catch (error) {
      this.logger.warn(`stopStream refused the blocks (${slackErrorOf(error)}); posting them as a message`);
      // The text and steps still end the stream; only the blocks move to a message of their own.
      await this.streamer.stop({ chunks }).catch((stopError: unknown) => {
        this.logger.warn(`stopStream failed again (${slackErrorOf(stopError)})`);
      });
      rest.unshift(first);
    }
    if (rest.length === 0) return;
    await this.delivery.postBlocks(this.target.channel, this.target.threadTs, {
      ...rendered,
      blocks: rest.flat(),
      csvTables: [],
    });
  }

  /** Ends the stream after a failure; the failure message is posted by the caller. */
  async abandon(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    await this.chain;
    await this.endQuietly("Stopped: see the message below.");
  }

  /** Closes a started stream with a note (errors ignored: the post path is what matters now). */
  private async endQuietly(note: string): Promise<void> {
    if (!this.opened) return;
    await this.streamer.stop({ markdown_text: note }).catch((error: unknown) => {
      this.logger.warn(`could not stop the stream in ${this.target.channel} (${slackErrorOf(error)})`);
    });
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.pending.size === 0) return;
    const interval = this.options.appendIntervalMs ?? 1000;
    const wait = Math.max(0, this.lastSentAt + interval - Date.now());
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      const chunks = [...this.pending.values()].map(taskChunk);
      this.pending.clear();
      void this.send(chunks);
    }, wait);
    this.flushTimer.unref();
  }

  private async waitForInterval(): Promise<void> {
    const wait = this.lastSentAt + (this.options.appendIntervalMs ?? 1000) - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }

  /** One stream call, in order after the previous one and at least appendIntervalMs after it. */
  private send(chunks: Chunk[]): Promise<void> {
    const run = async () => {
      if (this.failed || chunks.length === 0) return;
      if (this.opened) await this.waitForInterval();
      try {
        await this.streamer.append({ chunks });
        this.lastSentAt = Date.now();
      } catch (error) {
        this.failure = slackErrorOf(error);
        this.logger.warn(`streaming in ${this.target.channel} stopped (${this.failure}); answering with a post`);
      }
    };
    this.chain = this.chain.then(run);
    return this.chain;
  }
}

function taskChunk(step: TaskStep): Chunk {
  return {
    type: "task_update",
    id: step.id,
    title: escapeControl(step.title).slice(0, 256),
    status: step.status,
    ...(step.output ? { output: step.output } : {}),
  };
}

/** The grounding check as a settled task: it ran before anything of the answer was shown. */
function groundingChunk(answer: AgentAnswer): Chunk {
  const flagged = answer.untraceableNumbers?.length ?? 0;
  return {
    type: "task_update",
    id: "grounding",
    title: "Checked every number against the tool results",
    status: "complete",
    output:
      flagged === 0
        ? "all numbers traced"
        : `${flagged} number${flagged === 1 ? "" : "s"} could not be traced and ${flagged === 1 ? "is" : "are"} marked`,
  };
}
