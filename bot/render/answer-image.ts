// Documentation only: Slack-native answer blocks (table, alert, context_actions, a streamed answer's task list)
// mapped onto what digestImagePng draws, so the README can show them. Slack renders the real messages.
import { digestImagePng } from "./digest-image.ts";
import type { TaskStep } from "./task-steps.ts";

// biome-ignore lint/suspicious/noExplicitAny: blocks are read loosely for a picture.
type Loose = any;
type Drawn = { type: string; text?: { text: string }; elements?: Loose[] };

/** A table block as aligned monospace rows (numbers right-aligned as column_settings says). */
function tableText(block: Loose): string {
  const rows = (block.rows as Loose[][]).map((r) => r.map((c) => String(c.text ?? "")));
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  const right = (block.column_settings ?? []).map((s: Loose) => s?.align === "right");
  const line = (r: string[]) =>
    r.map((cell, i) => (right[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join("  ");
  return ["```", line(rows[0] ?? []), ...rows.slice(1, 13).map(line), "```"].join("\n");
}

/** The blocks of an answer (and optionally the streamed task list above them) as a PNG for the docs. */
export function answerImagePng(blocks: readonly Loose[], postedAt: string, tasks: TaskStep[] = []): Buffer {
  const drawn: Drawn[] = [];
  if (tasks.length > 0) {
    const lines = tasks.map(
      (t) =>
        `${t.status === "complete" ? "✓" : t.status === "error" ? "✗" : "…"} ${t.title}${t.output ? `  ${t.output}` : ""}`,
    );
    drawn.push({ type: "section", text: { text: ["```", ...lines, "```"].join("\n") } });
  }
  for (const block of blocks) {
    if (block.type === "table") drawn.push({ type: "section", text: { text: tableText(block) } });
    else if (block.type === "alert")
      drawn.push({
        type: "section",
        text: { text: `*${block.level === "error" ? "Error" : "Warning"}:* ${block.text.text}` },
      });
    else if (block.type === "context_actions")
      drawn.push({
        type: "actions",
        elements: [{ text: { text: "Good answer" } }, { text: { text: "Something is wrong" } }],
      });
    else drawn.push(block);
  }
  return digestImagePng(drawn as Loose, null, postedAt);
}
