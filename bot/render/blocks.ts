import type { types } from "@slack/bolt";
import type { DisplaySettings } from "../../tools/number-format.ts";
import { CATEGORIES, LABELS, SENTIMENTS, SEVERITIES, SOURCE_CHANNELS } from "../../tools/tickets/ticket-enums.ts";
import { type AnswerAlert, answerAlerts } from "./answer-alerts.ts";
import { type AnswerView, provenance } from "./answer-view.ts";
import { plainText, toSafeMrkdwn } from "./escape.ts";
import { nextQuestions } from "./next-questions.ts";
import { capText, SLACK_LIMITS, splitMrkdwn } from "./slack-limits.ts";
import { renderPlainTable, type Table, tableFromResult } from "./table.ts";
import { tableBlock, tableSummary } from "./table-block.ts";

export { SLACK_LIMITS };
/** Tables longer than this go out as a CSV file with a preview. */
export const INLINE_TABLE_ROWS = 20;
const PREVIEW_ROWS = 8;
const ANSWER_CHARS = 30_000;
const SLACK_TABLE_COLUMNS = 6;

export const ACTIONS = {
  rateUp: "rate_up",
  rateDown: "rate_down",
  followUp: "follow_up",
  /** The native feedback_buttons element (👍/👎); rate_up / rate_down stay for answers posted before it. */
  feedback: "answer_feedback",
  /** "Mark as verified" (issue 25): managers and admins; the listener checks the clicker's role. */
  verify: "answer_verify",
  budgetApprove: "budget_approve",
  budgetAdjust: "budget_adjust",
  budgetReject: "budget_reject",
} as const;
const FEEDBACK = { up: "up", down: "down" } as const;

export const CALLBACKS = {
  feedbackShortcut: "log_customer_feedback",
  feedbackModal: "feedback_ticket_modal",
  ratingModal: "rating_comment_modal",
  adjustModal: "budget_adjust_modal",
} as const;

type KnownBlock = types.KnownBlock;
type Button = types.Button;
type View = types.View;
type AnyBlock = types.KnownBlock | types.Block;

/** A rendered answer: blocks, notification text, and tables too big to show inline (sent as CSV). */
export interface RenderedAnswer {
  blocks: AnyBlock[];
  text: string;
  csvTables: Table[];
  /** Safe mrkdwn sent as a plain-text message when Slack refuses the blocks (invalid_blocks); else `text`. */
  plain?: string;
  /** The blocks by role, for a streamed answer (alerts and text stream, the rest arrives with the stream's end). */
  parts?: { alerts: AnyBlock[]; text: AnyBlock[]; tables: AnyBlock[]; tail: AnyBlock[] };
}

const section = (text: string): KnownBlock => ({ type: "section", text: { type: "mrkdwn", text } });

/** Splits text into pieces of at most `max` characters, preferring line breaks. */
export function chunkText(text: string, max: number = SLACK_LIMITS.sectionChars - 100): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = rest.lastIndexOf("\n", max);
    const at = cut > 0 ? cut : max;
    chunks.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^\n/, "");
  }
  if (rest.trim() !== "") chunks.push(rest);
  return chunks;
}

/** The answer as Block Kit: alerts, answer, native table(s), "How I got this", proposal buttons, next questions, 👍/👎. */
export function answerBlocks(view: AnswerView, settings: DisplaySettings): RenderedAnswer {
  const csvTables: Table[] = [];
  const alerts = answerAlerts(view);
  const alertBlocks = alerts.map(alertBlock);
  const textBlocks: AnyBlock[] = [];
  const tableBlocks: AnyBlock[] = [];
  const body = toSafeMrkdwn(view.text);
  const failure = view.failure ? toSafeMrkdwn(view.failure.message) : "";
  // The failure is in its alert; the agent usually repeats it in the text, so the text then adds nothing.
  const answerText = failure && body.trim() === failure.trim() ? "" : body;
  // Slack refuses messages over 40,000 characters; leave room for tables and the context line.
  const fitted =
    answerText.length > ANSWER_CHARS
      ? `${answerText.slice(0, ANSWER_CHARS)}\n_… cut here: the full answer is longer than a Slack message allows._`
      : answerText;
  // Split after escaping: the escaped text is what Slack counts.
  if (fitted.trim() !== "" || alerts.length === 0)
    for (const chunk of splitMrkdwn(fitted || "(no answer text)")) textBlocks.push(section(chunk));

  const summaries: string[] = [];
  let nativeTables = 0;
  for (const record of view.results.slice(0, 3)) {
    const table = tableFromResult(record.tool, record.result, record.args);
    if (!table || table.rows.length === 0) continue;
    summaries.push(tableSummary(table));
    // Slack takes one table block a message: the first table is native, any other stays monospace text.
    if (nativeTables < SLACK_LIMITS.tablesPerMessage) {
      nativeTables += 1;
      const fit = tableBlock(table, settings);
      const note = fit.file
        ? ` _(first ${fit.shownRows} of ${table.rows.length} rows${fit.shownColumns < table.columns.length ? `, ${fit.shownColumns} of ${table.columns.length} columns` : ""}: the full table is attached as a CSV file)_`
        : "";
      if (fit.file) csvTables.push(table);
      tableBlocks.push(section(`*${toSafeMrkdwn(table.title)}*${note}`), fit.block);
      continue;
    }
    const fitted = tableSection(table, settings);
    if (fitted.file) csvTables.push(table);
    tableBlocks.push(section(fitted.text));
  }

  const tail: AnyBlock[] = [];
  const proposal = proposalOf(view);
  if (proposal !== null) {
    tail.push({
      type: "actions",
      block_id: `budget_${proposal}`,
      elements: [
        button(`Approve #${proposal}`, ACTIONS.budgetApprove, String(proposal), "primary"),
        button("Adjust", ACTIONS.budgetAdjust, String(proposal)),
        button("Reject", ACTIONS.budgetReject, String(proposal), "danger"),
      ],
    });
  }
  const how = provenance(view);
  if (how.length > 0) {
    tail.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: toSafeMrkdwn(`How I got this: ${how.join(" · ")}`).slice(0, 2900) }],
    });
  }
  const suggestions = view.failure ? [] : nextQuestions(view, settings);
  if (suggestions.length > 0) {
    tail.push({
      type: "actions",
      block_id: "follow_ups",
      elements: suggestions.map((q, i) => ({
        type: "button",
        action_id: `${ACTIONS.followUp}_${i}`,
        text: { type: "plain_text", text: plainText(q, 75) },
        value: q.slice(0, 2000),
      })),
    });
  }
  // Before 👍/👎, which stays the last block of every answer.
  if (view.runId !== null && verifiable(view)) tail.push(verifyBlock(view.runId));
  if (view.runId !== null) tail.push(feedbackBlock(view.runId));
  const head = [...alertBlocks, ...textBlocks, ...tableBlocks];
  const room = SLACK_LIMITS.blocks - tail.length;
  const blocks = [...head.slice(0, room), ...tail];
  return {
    blocks,
    text: notificationText(view, alerts, summaries),
    csvTables,
    parts: { alerts: alertBlocks, text: textBlocks, tables: tableBlocks, tail },
  };
}

/**
 * The message's top-level `text`: what notifications and screen readers get. The warnings first, then the answer,
 * then one line per table (what it holds, how big), within a section's worth of characters.
 */
function notificationText(view: AnswerView, alerts: AnswerAlert[], tables: string[]): string {
  const warnings = alerts.map((a) => `${a.level === "error" ? "Error" : "Warning"}: ${a.text}`);
  const answer = view.failure && view.text.trim() === view.failure.message.trim() ? "" : view.text;
  const parts = [...warnings, answer, ...tables].filter((p) => p.trim() !== "");
  return plainText(parts.join(" \n") || "(no answer text)", 2900);
}

/** An `alert` block: Slack's own warning style, the text escaped like any model or tool text. */
export function alertBlock(alert: AnswerAlert): AnyBlock {
  return {
    type: "alert",
    level: alert.level,
    text: { type: "mrkdwn", text: capText(toSafeMrkdwn(alert.text), SLACK_LIMITS.alertChars) },
  } as unknown as AnyBlock;
}

/** 👍/👎 as Slack's native feedback buttons; the value names the run the rating is stored on. */
export function feedbackBlock(runId: number): AnyBlock {
  return {
    type: "context_actions",
    block_id: "rating",
    elements: [
      {
        type: "feedback_buttons",
        action_id: ACTIONS.feedback,
        positive_button: {
          text: { type: "plain_text", text: "👍" },
          accessibility_label: "Good answer",
          value: `${FEEDBACK.up}:${runId}`,
        },
        negative_button: {
          text: { type: "plain_text", text: "👎" },
          accessibility_label: "Something is wrong with this answer",
          value: `${FEEDBACK.down}:${runId}`,
        },
      },
    ],
  } as unknown as AnyBlock;
}

/** A complete answer built on data tools can be verified (nothing to re-run otherwise). */
function verifiable(view: AnswerView): boolean {
  return !view.failure && view.outcome === "ok" && view.steps.some((s) => s.ok && s.tool !== "calculate");
}

/** "Mark as verified": a channel message cannot hide a button by role, so the click is checked (listeners/verify.ts). */
export function verifyBlock(runId: number): AnyBlock {
  return {
    type: "actions",
    block_id: "verify",
    elements: [button("Mark as verified", ACTIONS.verify, String(runId))],
  };
}

/** The run and the rating a feedback_buttons click carries ("up:42"), or null for anything else. */
export function parseFeedbackValue(value: string | undefined): { runId: number; rating: 1 | -1 } | null {
  const match = /^(up|down):(\d+)$/.exec(value ?? "");
  if (!match) return null;
  return { runId: Number(match[2]), rating: match[1] === FEEDBACK.up ? 1 : -1 };
}

// Backticks inside a code block would end it early.
const toSafeCode = (text: string) => toSafeMrkdwn(text).replace(/```/g, "ʼʼʼ");

// Ever smaller previews, until one fits a section once escaped; any but the first sends the full table as a file.
const TABLE_ATTEMPTS = [
  { maxColumns: SLACK_TABLE_COLUMNS, maxRows: INLINE_TABLE_ROWS },
  { maxColumns: SLACK_TABLE_COLUMNS, maxRows: PREVIEW_ROWS, maxCellWidth: 40 },
  { maxColumns: 4, maxRows: PREVIEW_ROWS, maxCellWidth: 24 },
  { maxColumns: 4, maxRows: 3, maxCellWidth: 16 },
];

/** A table's section, at most 3,000 characters after escaping; `file` when the full table goes out as a CSV. */
export function tableSection(table: Table, settings: DisplaySettings): { text: string; file: boolean } {
  const inline = table.rows.length <= INLINE_TABLE_ROWS;
  const title = `*${toSafeMrkdwn(table.title)}*`;
  const note = `\n_${table.rows.length} rows: the full table is attached as a CSV file._`;
  for (const [i, options] of TABLE_ATTEMPTS.entries()) {
    if (i === 0 && !inline) continue;
    const file = i > 0;
    const text = `${title}\n\`\`\`${toSafeCode(renderPlainTable(table, settings, options))}\`\`\`${file ? note : ""}`;
    if (text.length <= SLACK_LIMITS.sectionChars) return { text, file };
  }
  return { text: `${title}${note}`, file: true };
}

function proposalOf(view: AnswerView): number | null {
  for (const record of view.results) {
    if (record.tool !== "recommend_budget") continue;
    const id = (record.result as { proposal_id?: unknown } | null)?.proposal_id;
    if (typeof id === "number" && id > 0) return id;
  }
  return null;
}

function button(text: string, actionId: string, value: string, style?: "primary" | "danger"): Button {
  const base: Button = { type: "button", action_id: actionId, text: { type: "plain_text", text, emoji: true }, value };
  return style ? { ...base, style } : base;
}

/** A short failure message: what happened and what to do. */
export function failureBlocks(message: string): RenderedAnswer {
  const safe = `:warning: ${toSafeMrkdwn(message)}`;
  return {
    blocks: splitMrkdwn(safe).slice(0, SLACK_LIMITS.blocks).map(section),
    text: plainText(message, 2900),
    csvTables: [],
    plain: capText(safe, SLACK_LIMITS.plainMessageChars),
  };
}

const option = (value: string, label: string) => ({ text: { type: "plain_text" as const, text: label }, value });
function select(
  blockId: string,
  label: string,
  values: readonly string[],
  labels: Record<string, string>,
  initial: string,
) {
  return {
    type: "input",
    block_id: blockId,
    label: { type: "plain_text", text: label },
    element: {
      type: "static_select",
      action_id: "value",
      options: values.map((v) => option(v, labels[v] ?? v)),
      initial_option: option(initial, labels[initial] ?? initial),
    },
  } as KnownBlock;
}

/** What the feedback modal starts with, guessed from the message. */
export interface FeedbackPrefill {
  customer: string;
  category: (typeof CATEGORIES)[number];
  severity: (typeof SEVERITIES)[number];
  sentiment: (typeof SENTIMENTS)[number];
  sourceChannel: (typeof SOURCE_CHANNELS)[number];
  body: string;
}

/** The "Log as customer feedback" modal, prefilled from the message. */
export function feedbackModal(prefill: FeedbackPrefill, privateMetadata: string): View {
  return {
    type: "modal",
    callback_id: CALLBACKS.feedbackModal,
    private_metadata: privateMetadata,
    title: { type: "plain_text", text: "Customer feedback" },
    submit: { type: "plain_text", text: "File ticket" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      {
        type: "input",
        block_id: "customer",
        optional: true,
        label: { type: "plain_text", text: "Customer" },
        hint: {
          type: "plain_text",
          text: "Customer id, e-mail, phone or name; leave empty for someone not in the CRM.",
        },
        element: { type: "plain_text_input", action_id: "value", initial_value: prefill.customer.slice(0, 200) },
      },
      select("source_channel", "Came in via", SOURCE_CHANNELS, LABELS.source_channel, prefill.sourceChannel),
      select("category", "Category", CATEGORIES, LABELS.category, prefill.category),
      select(
        "severity",
        "Severity (sets the priority with the customer's value)",
        SEVERITIES,
        LABELS.severity,
        prefill.severity,
      ),
      select("sentiment", "Sentiment", SENTIMENTS, LABELS.sentiment, prefill.sentiment),
      {
        type: "input",
        block_id: "body",
        label: { type: "plain_text", text: "Description (the customer's words, stored verbatim)" },
        element: {
          type: "plain_text_input",
          action_id: "value",
          multiline: true,
          max_length: 3000,
          initial_value: prefill.body.slice(0, 3000),
        },
      },
    ] as KnownBlock[],
  };
}

/** The 👎 follow-up: what was wrong. */
export function ratingModal(privateMetadata: string): View {
  return {
    type: "modal",
    callback_id: CALLBACKS.ratingModal,
    private_metadata: privateMetadata,
    title: { type: "plain_text", text: "What was wrong?" },
    submit: { type: "plain_text", text: "Send" },
    blocks: [
      {
        type: "input",
        block_id: "comment",
        optional: true,
        label: { type: "plain_text", text: "What was wrong with this answer?" },
        element: { type: "plain_text_input", action_id: "value", multiline: true, max_length: 2000 },
      },
    ] as KnownBlock[],
  };
}

/** Adjust a budget proposal: a new total and/or a per-channel change cap; the result revises the proposal. */
export function adjustBudgetModal(proposalId: number, privateMetadata: string): View {
  const number = (blockId: string, label: string, hint: string) =>
    ({
      type: "input",
      block_id: blockId,
      optional: true,
      label: { type: "plain_text", text: label },
      hint: { type: "plain_text", text: hint },
      element: { type: "number_input", is_decimal_allowed: true, action_id: "value", min_value: "0" },
    }) as KnownBlock;
  return {
    type: "modal",
    callback_id: CALLBACKS.adjustModal,
    private_metadata: privateMetadata,
    title: { type: "plain_text", text: `Adjust proposal #${proposalId}` },
    submit: { type: "plain_text", text: "Recompute" },
    blocks: [
      number("total_budget", "Total budget over the horizon", "Empty keeps the current run rate."),
      number("max_change_pct", "Largest change per channel, %", "e.g. 30 for at most ±30% per channel."),
    ],
  };
}
