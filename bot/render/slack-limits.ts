import type { types } from "@slack/bolt";

type AnyBlock = types.KnownBlock | types.Block;
// biome-ignore lint/suspicious/noExplicitAny: blocks are rewritten field by field, whatever their type.
type Loose = any;

/**
 * Slack's limits on what it accepts, counted on the text as sent (after escaping: `&` is 5 characters as `&amp;`).
 * https://docs.slack.dev/reference/block-kit/blocks
 */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionChars: 3000,
  fieldChars: 2000,
  fields: 10,
  headerChars: 150,
  contextElements: 10,
  contextChars: 3000,
  actionElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  idChars: 255,
  altText: 2000,
  messageChars: 40_000,
  /**
   * Not documented: Slack answers msg_blocks_too_long once a message's block text passes about 13,200 characters
   * (slackapi/bolt-js#2509), so a message's blocks are kept under this and the rest goes in follow-up messages.
   */
  messageBlockChars: 12_000,
  /** A plain-text message (the fallback when blocks are refused): well inside 40,000, and readable. */
  plainMessageChars: 12_000,
  modalBlocks: 100,
  /** Table block: rows (the header row counts) and cells per row; column_settings entries. */
  tableRows: 100,
  tableCells: 20,
  tableColumnSettings: 20,
  /** Slack shows a table under the message like an attachment and takes one per message (only_one_table_allowed). */
  tablesPerMessage: 1,
  /** Not documented: Beacon's own cap on one table cell, so one long ticket body cannot fill the table. */
  tableCellChars: 500,
  /** Context actions block: feedback / icon buttons. */
  contextActionsElements: 5,
  accessibilityLabel: 75,
  /** An alert block's text object (a text object holds at most 3,000 characters). */
  alertChars: 3000,
  /** markdown_text of one chat.startStream / appendStream / stopStream call. */
  streamMarkdownChars: 12_000,
} as const;

const TABLE_CELL_TYPES = new Set(["raw_text", "rich_text", "raw_number"]);
const ALERT_LEVELS = new Set(["default", "info", "warning", "error", "success"]);
const COLUMN_ALIGNS = new Set(["left", "center", "right"]);
const CONTEXT_ACTION_TYPES = new Set(["feedback_buttons", "icon_button"]);

/** Where `text` may be cut at or before `at` without splitting an HTML entity (`&amp;`) or a surrogate pair. */
function safeCut(text: string, at: number): number {
  let cut = Math.min(at, text.length);
  const amp = text.lastIndexOf("&", cut - 1);
  if (amp >= 0 && cut - amp < 6 && !text.slice(amp, cut).includes(";")) {
    const end = text.indexOf(";", amp);
    if (end >= cut && end - amp < 6) cut = amp;
  }
  const code = text.charCodeAt(cut - 1);
  if (cut > 0 && code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return cut;
}

/** `text` cut to at most `max` characters with an ellipsis, never inside an entity or a surrogate pair. */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, safeCut(text, max - 1))}…`;
}

const FENCE = "```";
const fenceCount = (line: string) => line.split(FENCE).length - 1;

/**
 * Mrkdwn split into pieces of at most `max` characters, at line breaks where possible. A piece that ends inside a
 * ``` code block closes it and the next piece reopens it, so every piece renders on its own.
 */
export function splitMrkdwn(text: string, max: number = SLACK_LIMITS.sectionChars): string[] {
  const room = max - 2 * FENCE.length - 2;
  const pieces: string[] = [];
  let current = "";
  let open = false; // inside a code block at the end of `current`
  const empty = () => current === "" || current === FENCE;
  const flush = () => {
    if (current.trim() !== "" && !empty()) pieces.push(open ? `${current}\n${FENCE}` : current);
    current = open ? FENCE : "";
  };
  for (const line of text.split("\n")) {
    let rest = line;
    for (;;) {
      const sep = empty() ? "" : "\n";
      const space = room - current.length - sep.length;
      if (rest.length <= space) {
        current += sep + rest;
        break;
      }
      if (!empty() && (rest.length <= room - FENCE.length || space < 16)) {
        flush();
        continue;
      }
      // A line longer than the room left: cut it hard.
      const cut = Math.max(1, safeCut(rest, space));
      current += sep + rest.slice(0, cut);
      rest = rest.slice(cut);
      flush();
    }
    if (fenceCount(line) % 2 === 1) open = !open;
  }
  if (current.trim() !== "" && !empty()) pieces.push(open ? `${current}\n${FENCE}` : current);
  return pieces;
}

/** Plain text split into pieces of at most `max` characters, at line breaks where possible. */
export function splitPlain(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const newline = rest.lastIndexOf("\n", max);
    const cut = newline > max / 2 ? newline : safeCut(rest, max);
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, "");
  }
  if (rest.trim() !== "") pieces.push(rest);
  return pieces;
}

function capTextObject(object: Loose, max: number): Loose {
  if (!object || typeof object.text !== "string") return object;
  return { ...object, text: capText(object.text, max) };
}

function capIds(block: Loose): Loose {
  return typeof block.block_id === "string"
    ? { ...block, block_id: block.block_id.slice(0, SLACK_LIMITS.idChars) }
    : block;
}

function fitFeedbackButton(button: Loose): Loose {
  if (!button || typeof button !== "object") return button;
  const out = { ...button, text: capTextObject(button.text, SLACK_LIMITS.buttonText) };
  if (typeof out.value === "string") out.value = out.value.slice(0, SLACK_LIMITS.buttonValue);
  if (typeof out.accessibility_label === "string")
    out.accessibility_label = capText(out.accessibility_label, SLACK_LIMITS.accessibilityLabel);
  return out;
}

function fitElement(element: Loose): Loose {
  if (element?.type === "feedback_buttons") {
    return {
      ...element,
      positive_button: fitFeedbackButton(element.positive_button),
      negative_button: fitFeedbackButton(element.negative_button),
    };
  }
  if (element?.type !== "button" && element?.type !== "icon_button") return element;
  const out = { ...element, text: capTextObject(element.text, SLACK_LIMITS.buttonText) };
  if (typeof out.value === "string") out.value = out.value.slice(0, SLACK_LIMITS.buttonValue);
  if (typeof out.action_id === "string") out.action_id = out.action_id.slice(0, SLACK_LIMITS.idChars);
  return out;
}

/** One block within Slack's limits: an oversize section becomes several sections; other fields are capped. */
export function fitBlock(input: AnyBlock): AnyBlock[] {
  const block = capIds(input as Loose);
  switch (block.type) {
    case "section": {
      const fields = Array.isArray(block.fields)
        ? block.fields.slice(0, SLACK_LIMITS.fields).map((f: Loose) => capTextObject(f, SLACK_LIMITS.fieldChars))
        : undefined;
      const withFields = fields ? { ...block, fields } : block;
      const text = block.text?.text;
      if (typeof text !== "string" || text.length <= SLACK_LIMITS.sectionChars) return [withFields];
      const pieces = block.text.type === "mrkdwn" ? splitMrkdwn(text) : splitPlain(text, SLACK_LIMITS.sectionChars);
      // Only the first piece keeps the block id and accessory (ids must stay unique in a message).
      return pieces.map((piece, i) =>
        i === 0
          ? { ...withFields, text: { ...block.text, text: piece } }
          : { type: "section", text: { ...block.text, text: piece } },
      );
    }
    case "header":
      return [{ ...block, text: capTextObject(block.text, SLACK_LIMITS.headerChars) }];
    case "context": {
      const elements = (block.elements ?? []).slice(0, SLACK_LIMITS.contextElements);
      // The elements share one section's worth of text, so a context line cannot fill a message on its own.
      const each = Math.floor(SLACK_LIMITS.contextChars / Math.max(1, elements.length));
      return [{ ...block, elements: elements.map((e: Loose) => (e?.type === "image" ? e : capTextObject(e, each))) }];
    }
    case "actions":
      return [{ ...block, elements: (block.elements ?? []).slice(0, SLACK_LIMITS.actionElements).map(fitElement) }];
    case "table":
      return [fitTable(block)];
    case "context_actions":
      return [
        { ...block, elements: (block.elements ?? []).slice(0, SLACK_LIMITS.contextActionsElements).map(fitElement) },
      ];
    case "alert":
      return [{ ...block, text: capTextObject(block.text, SLACK_LIMITS.alertChars) }];
    case "image": {
      const out = { ...block };
      if (typeof out.alt_text === "string") out.alt_text = capText(out.alt_text, SLACK_LIMITS.altText);
      if (out.title) out.title = capTextObject(out.title, SLACK_LIMITS.altText);
      return [out];
    }
    default:
      return [block];
  }
}

/** A table cut to 100 rows of 20 cells (the caller attaches the full table as CSV); empty cells become "–". */
function fitTable(block: Loose): Loose {
  const rows = ((block.rows ?? []) as Loose[][]).slice(0, SLACK_LIMITS.tableRows).map((row) =>
    (row ?? []).slice(0, SLACK_LIMITS.tableCells).map((cell: Loose) => {
      if (cell?.type !== "raw_text" && cell?.type !== "raw_number") return cell;
      const text = typeof cell.text === "string" && cell.text !== "" ? cell.text : "–";
      return { ...cell, text: capText(text, SLACK_LIMITS.tableCellChars) };
    }),
  );
  const out = { ...block, rows };
  if (Array.isArray(block.column_settings))
    out.column_settings = block.column_settings.slice(0, SLACK_LIMITS.tableColumnSettings);
  return out;
}

/** Characters of text a block carries (what Slack counts towards msg_blocks_too_long). */
export function blockChars(block: AnyBlock): number {
  let total = 0;
  const visit = (value: unknown, key?: string) => {
    if (typeof value === "string") {
      if (key === "text" || key === "alt_text" || key === "value") total += value.length;
    } else if (Array.isArray(value)) for (const v of value) visit(v);
    else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) visit(v, k);
  };
  visit(block);
  return total;
}

/**
 * Blocks fitted to Slack's limits and grouped into messages: at most 50 blocks and `messageBlockChars` characters of
 * text each, in order. Nothing is dropped: what does not fit one message goes in the next.
 */
export function fitMessages(blocks: readonly AnyBlock[]): AnyBlock[][] {
  const messages: AnyBlock[][] = [];
  let current: AnyBlock[] = [];
  let chars = 0;
  for (const block of blocks.flatMap(fitBlock)) {
    const size = blockChars(block);
    const secondTable = block.type === "table" && tableCount(current) >= SLACK_LIMITS.tablesPerMessage;
    if (
      current.length > 0 &&
      (current.length >= SLACK_LIMITS.blocks || chars + size > SLACK_LIMITS.messageBlockChars || secondTable)
    ) {
      messages.push(current);
      current = [];
      chars = 0;
    }
    current.push(block);
    chars += size;
  }
  if (current.length > 0) messages.push(current);
  return messages;
}

const tableCount = (blocks: readonly AnyBlock[]) => blocks.filter((b) => b.type === "table").length;

/** Why one block breaks a limit, or null; tests and the fake Slack server use it to reject like Slack does. */
export function blockViolation(block: AnyBlock): string | null {
  const b = block as Loose;
  const over = (what: string, value: unknown, max: number) =>
    typeof value === "string" && value.length > max ? `${what} has ${value.length} characters (max ${max})` : null;
  if (typeof b.block_id === "string" && b.block_id.length > SLACK_LIMITS.idChars) return "block_id too long";
  switch (b.type) {
    case "section":
      return (
        over("section text", b.text?.text, SLACK_LIMITS.sectionChars) ??
        (Array.isArray(b.fields) && b.fields.length > SLACK_LIMITS.fields ? "too many fields" : null) ??
        ((b.fields ?? []) as Loose[]).map((f) => over("field", f?.text, SLACK_LIMITS.fieldChars)).find(Boolean) ??
        null
      );
    case "header":
      return over("header", b.text?.text, SLACK_LIMITS.headerChars);
    case "context":
      if ((b.elements ?? []).length > SLACK_LIMITS.contextElements) return "too many context elements";
      return (
        ((b.elements ?? []) as Loose[]).map((e) => over("context", e?.text, SLACK_LIMITS.contextChars)).find(Boolean) ??
        null
      );
    case "actions":
      if ((b.elements ?? []).length > SLACK_LIMITS.actionElements) return "too many actions";
      return (
        ((b.elements ?? []) as Loose[])
          .map(
            (e) =>
              over("button text", e?.text?.text, SLACK_LIMITS.buttonText) ??
              over("button value", e?.value, SLACK_LIMITS.buttonValue),
          )
          .find(Boolean) ?? null
      );
    case "table":
      return tableViolation(b);
    case "context_actions":
      return contextActionsViolation(b);
    case "alert":
      if (typeof b.text?.text !== "string" || b.text.text === "") return "alert without text";
      if (b.level !== undefined && !ALERT_LEVELS.has(b.level)) return `alert level "${b.level}" is not one of Slack's`;
      return over("alert text", b.text.text, SLACK_LIMITS.alertChars);
    default:
      return null;
  }
}

function tableViolation(b: Loose): string | null {
  if (!Array.isArray(b.rows) || b.rows.length === 0) return "table without rows";
  if (b.rows.length > SLACK_LIMITS.tableRows) return `table has ${b.rows.length} rows (max ${SLACK_LIMITS.tableRows})`;
  for (const [i, row] of (b.rows as Loose[]).entries()) {
    if (!Array.isArray(row) || row.length === 0) return `table row ${i} has no cells`;
    if (row.length > SLACK_LIMITS.tableCells)
      return `table row ${i} has ${row.length} cells (max ${SLACK_LIMITS.tableCells})`;
    for (const cell of row as Loose[]) {
      if (!TABLE_CELL_TYPES.has(cell?.type)) return `table cell of type "${cell?.type}" in row ${i}`;
      if (cell.type !== "rich_text" && (typeof cell.text !== "string" || cell.text === ""))
        return `empty table cell in row ${i}`;
      if (cell.type === "raw_number" && typeof cell.value !== "number") return `raw_number without a value in row ${i}`;
    }
  }
  const settings = b.column_settings;
  if (settings !== undefined) {
    if (!Array.isArray(settings) || settings.length > SLACK_LIMITS.tableColumnSettings)
      return `column_settings has more than ${SLACK_LIMITS.tableColumnSettings} entries`;
    const bad = (settings as Loose[]).find((s) => s?.align !== undefined && !COLUMN_ALIGNS.has(s.align));
    if (bad) return `column alignment "${bad.align}" is not left, center or right`;
  }
  return null;
}

function contextActionsViolation(b: Loose): string | null {
  const elements = (b.elements ?? []) as Loose[];
  if (elements.length === 0) return "context_actions without elements";
  if (elements.length > SLACK_LIMITS.contextActionsElements)
    return `context_actions has ${elements.length} elements (max ${SLACK_LIMITS.contextActionsElements})`;
  for (const e of elements) {
    if (!CONTEXT_ACTION_TYPES.has(e?.type)) return `element "${e?.type}" is not allowed in context_actions`;
    if (e.type !== "feedback_buttons") continue;
    for (const side of ["positive_button", "negative_button"]) {
      const button = e[side];
      if (button?.text?.type !== "plain_text") return `feedback ${side} needs plain_text text`;
      if (typeof button.value !== "string") return `feedback ${side} needs a value`;
      const why =
        (button.text.text.length > SLACK_LIMITS.buttonText
          ? `feedback ${side} text over ${SLACK_LIMITS.buttonText}`
          : null) ??
        (button.value.length > SLACK_LIMITS.buttonValue
          ? `feedback ${side} value over ${SLACK_LIMITS.buttonValue}`
          : null) ??
        (typeof button.accessibility_label === "string" &&
        button.accessibility_label.length > SLACK_LIMITS.accessibilityLabel
          ? `feedback ${side} accessibility_label over ${SLACK_LIMITS.accessibilityLabel}`
          : null);
      if (why) return why;
    }
  }
  return null;
}

// Where Slack was seen to start answering msg_blocks_too_long (slackapi/bolt-js#2509).
const REFUSED_BLOCK_CHARS = 13_200;

/** Why a message's blocks would be refused, or null. */
export function messageViolation(blocks: readonly AnyBlock[]): string | null {
  if (blocks.length > SLACK_LIMITS.blocks) return `${blocks.length} blocks (max ${SLACK_LIMITS.blocks})`;
  if (tableCount(blocks) > SLACK_LIMITS.tablesPerMessage) return `${tableCount(blocks)} tables (max one a message)`;
  for (const block of blocks) {
    const why = blockViolation(block);
    if (why) return why;
  }
  const chars = blocks.reduce((sum, b) => sum + blockChars(b), 0);
  return chars > REFUSED_BLOCK_CHARS ? `blocks carry ${chars} characters (msg_blocks_too_long)` : null;
}
