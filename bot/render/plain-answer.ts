import type { DisplaySettings } from "../../tools/number-format.ts";
import type { AnswerView } from "./answer-view.ts";
import { provenance } from "./answer-view.ts";
import { renderPlainTable, tableFromResult } from "./table.ts";

const CONSOLE_ROWS = 25;

/** An answer for a terminal: the text, its tables as aligned plain text, "How I got this", follow-ups. */
export function renderPlainAnswer(
  view: AnswerView,
  settings: DisplaySettings,
  options: { maxRows?: number } = {},
): string {
  const parts: string[] = [];
  const text = view.text.replace(/\*\*(.+?)\*\*/g, "$1").trim();
  if (view.failure && !text.includes(view.failure.message)) parts.push(`! ${view.failure.message}`);
  if (text) parts.push(text);
  for (const record of view.results.slice(0, 3)) {
    const table = tableFromResult(record.tool, record.result, record.args);
    if (!table || table.rows.length === 0) continue;
    parts.push(
      `${table.title}\n${renderPlainTable(table, settings, { maxColumns: 8, maxRows: options.maxRows ?? CONSOLE_ROWS })}`,
    );
  }
  const how = provenance(view);
  if (how.length > 0) parts.push(`How I got this: ${how.join(" · ")}`);
  if (view.suggestions.length > 0)
    parts.push(`You could ask next:\n${view.suggestions.map((s) => `  - ${s}`).join("\n")}`);
  return parts.join("\n\n");
}
