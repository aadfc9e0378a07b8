import type { DisplaySettings } from "../../tools/number-format.ts";
import type { AnswerView } from "./answer-view.ts";
import { provenance } from "./answer-view.ts";
import { toSafeMrkdwn } from "./escape.ts";
import { capText, SLACK_LIMITS } from "./slack-limits.ts";
import { renderPlainTable, tableFromResult } from "./table.ts";

const CONSOLE_ROWS = 25;

/** An answer for a terminal: the text, its tables as aligned plain text, "How I got this", follow-ups. */
export function renderPlainAnswer(
  view: AnswerView,
  settings: DisplaySettings,
  options: { maxRows?: number; maxCellWidth?: number; fenceTables?: boolean; keepMarkdown?: boolean } = {},
): string {
  const parts: string[] = [];
  // A terminal shows **bold** as asterisks; Slack's escaping turns it into *bold* itself.
  const text = (options.keepMarkdown ? view.text : view.text.replace(/\*\*(.+?)\*\*/g, "$1")).trim();
  if (view.failure && !text.includes(view.failure.message)) parts.push(`! ${view.failure.message}`);
  if (text) parts.push(text);
  for (const record of view.results.slice(0, 3)) {
    const table = tableFromResult(record.tool, record.result, record.args);
    if (!table || table.rows.length === 0) continue;
    const rendered = renderPlainTable(table, settings, {
      maxColumns: 8,
      maxRows: options.maxRows ?? CONSOLE_ROWS,
      maxCellWidth: options.maxCellWidth,
    });
    // In Slack a code block keeps the columns aligned; backticks in a cell must not end it early.
    parts.push(
      options.fenceTables
        ? `${table.title}\n\`\`\`\n${rendered.replace(/```/g, "ʼʼʼ")}\n\`\`\``
        : `${table.title}\n${rendered}`,
    );
  }
  const how = provenance(view);
  if (how.length > 0) parts.push(`How I got this: ${how.join(" · ")}`);
  if (view.suggestions.length > 0)
    parts.push(`You could ask next:\n${view.suggestions.map((s) => `  - ${s}`).join("\n")}`);
  return parts.join("\n\n");
}

/**
 * The answer as one plain-text Slack message (no blocks): what is sent when Slack refuses the blocks. Escaped like
 * every model text, tables in code blocks, capped well inside Slack's 40,000-character message limit.
 */
export function slackPlainAnswer(view: AnswerView, settings: DisplaySettings): string {
  const text = renderPlainAnswer(view, settings, {
    maxRows: 20,
    maxCellWidth: 40,
    fenceTables: true,
    keepMarkdown: true,
  });
  return capText(toSafeMrkdwn(text || "(no answer text)"), SLACK_LIMITS.plainMessageChars);
}
