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
} as const;

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

function fitElement(element: Loose): Loose {
  if (element?.type !== "button") return element;
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
    if (
      current.length > 0 &&
      (current.length >= SLACK_LIMITS.blocks || chars + size > SLACK_LIMITS.messageBlockChars)
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
    default:
      return null;
  }
}

// Where Slack was seen to start answering msg_blocks_too_long (slackapi/bolt-js#2509).
const REFUSED_BLOCK_CHARS = 13_200;

/** Why a message's blocks would be refused, or null. */
export function messageViolation(blocks: readonly AnyBlock[]): string | null {
  if (blocks.length > SLACK_LIMITS.blocks) return `${blocks.length} blocks (max ${SLACK_LIMITS.blocks})`;
  for (const block of blocks) {
    const why = blockViolation(block);
    if (why) return why;
  }
  const chars = blocks.reduce((sum, b) => sum + blockChars(b), 0);
  return chars > REFUSED_BLOCK_CHARS ? `blocks carry ${chars} characters (msg_blocks_too_long)` : null;
}
