import { createHash } from "node:crypto";

/** One retrievable passage of a document. */
export interface Chunk {
  position: number;
  /** Headings above the passage, outermost first (the document title excluded). */
  headingPath: string[];
  content: string;
}

export interface ChunkOptions {
  /** Largest chunk in size units (a Han character counts 2, anything else 1). */
  maxSize: number;
  /** Size of the tail of one chunk repeated at the start of the next when a section is split. */
  overlap: number;
}

export const DEFAULT_CHUNK_OPTIONS: ChunkOptions = { maxSize: 1200, overlap: 200 };

const HEADING = /^(#{1,6})\s+(.+?)\s*#*\s*$/;
const FENCE = /^\s*(```|~~~)/;
const HAN = /\p{Script=Han}/u;

/** Size of a text: Han characters count double, as they carry about a word each. */
export function textSize(text: string): number {
  let size = 0;
  for (const ch of text) size += HAN.test(ch) ? 2 : 1;
  return size;
}

/**
 * Splits a markdown (or plain-text) body by headings, then splits sections larger than `maxSize` at sentence
 * boundaries with `overlap`. A top-level `# ` heading equal to the title is not repeated in heading paths.
 */
export function chunkDocument(body: string, title: string, options: ChunkOptions = DEFAULT_CHUNK_OPTIONS): Chunk[] {
  const sections: { headingPath: string[]; lines: string[] }[] = [];
  const stack: { level: number; text: string }[] = [];
  let current = { headingPath: [] as string[], lines: [] as string[] };
  let inFence = false;
  for (const line of body.split("\n")) {
    if (FENCE.test(line)) inFence = !inFence;
    const heading = inFence ? null : HEADING.exec(line);
    if (!heading) {
      current.lines.push(line);
      continue;
    }
    sections.push(current);
    const level = (heading[1] as string).length;
    const text = (heading[2] as string).trim();
    while (stack.length > 0 && (stack.at(-1) as { level: number }).level >= level) stack.pop();
    if (!(level === 1 && text === title)) stack.push({ level, text });
    current = { headingPath: stack.map((s) => s.text), lines: [] };
  }
  sections.push(current);

  const chunks: Chunk[] = [];
  for (const section of sections) {
    const text = section.lines.join("\n").trim();
    if (!text) continue;
    for (const piece of splitText(text, options)) {
      chunks.push({ position: chunks.length, headingPath: section.headingPath, content: piece });
    }
  }
  return chunks;
}

const STRONG_END = new Set(["。", "！", "？", "；", "!", "?"]);
const CLOSERS = new Set(['"', "”", "’", "」", "』", ")", "）"]);

/** Sentence-like units: ends of sentences (. ! ? and 。！？；) and line breaks, keeping the punctuation; joined, they give back the text. */
export function sentences(text: string): string[] {
  const chars = Array.from(text);
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string;
    const next = chars[i + 1];
    let end = -1;
    if (STRONG_END.has(ch) || (ch === "." && (next === undefined || /\s/.test(next)))) {
      end = i + 1;
      while (end < chars.length && (STRONG_END.has(chars[end] as string) || CLOSERS.has(chars[end] as string))) end++;
      while (end < chars.length && (chars[end] === " " || chars[end] === "\t")) end++;
    } else if (ch === "\n") {
      end = i + 1;
      while (end < chars.length && chars[end] === "\n") end++;
    }
    if (end > 0) {
      out.push(chars.slice(start, end).join(""));
      start = end;
      i = end - 1;
    }
  }
  if (start < chars.length) out.push(chars.slice(start).join(""));
  return out;
}

/** Packs sentences into pieces of at most maxSize; a sentence longer than that is cut between code points. */
export function splitText(text: string, options: ChunkOptions = DEFAULT_CHUNK_OPTIONS): string[] {
  if (textSize(text) <= options.maxSize) return [text];
  const units = sentences(text).flatMap((s) => (textSize(s) > options.maxSize ? hardSplit(s, options.maxSize) : [s]));
  const pieces: string[] = [];
  let current: string[] = [];
  let size = 0;
  for (const unit of units) {
    const unitSize = textSize(unit);
    if (size + unitSize > options.maxSize && current.length > 0) {
      pieces.push(current.join("").trim());
      // Carry whole trailing sentences up to `overlap` into the next piece.
      const carried: string[] = [];
      let carriedSize = 0;
      for (let i = current.length - 1; i >= 0; i--) {
        const s = current[i] as string;
        const sSize = textSize(s);
        if (carriedSize + sSize > options.overlap || carriedSize + sSize + unitSize > options.maxSize) break;
        carried.unshift(s);
        carriedSize += sSize;
      }
      current = carried;
      size = carriedSize;
    }
    current.push(unit);
    size += unitSize;
  }
  if (current.length > 0) pieces.push(current.join("").trim());
  return pieces.filter((p) => p.length > 0);
}

/** Cuts an over-long sentence into pieces of at most maxSize, preferring spaces and commas, never inside a code point. */
function hardSplit(sentence: string, maxSize: number): string[] {
  const chars = Array.from(sentence);
  const out: string[] = [];
  let start = 0;
  while (start < chars.length) {
    let end = start;
    let size = 0;
    while (end < chars.length && size + textSize(chars[end] as string) <= maxSize) {
      size += textSize(chars[end] as string);
      end++;
    }
    if (end < chars.length) {
      // Back up to the last soft break in the second half of the piece, if any.
      for (let i = end; i > start + (end - start) / 2; i--) {
        if (/[\s,，、:：]/u.test(chars[i - 1] as string)) {
          end = i;
          break;
        }
      }
    }
    out.push(chars.slice(start, end).join(""));
    start = end;
  }
  return out;
}

/** SHA-256 hex of a text. */
export function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/**
 * Citation id from the document path, heading path and the chunk's text only (not its position), so it survives
 * re-ingesting unchanged text and edits elsewhere in the document. Readable prefix: the file's base name.
 */
export function citationId(path: string, headingPath: readonly string[], content: string): string {
  const base = (path.split("/").at(-1) ?? path)
    .replace(/\.[^.]+$/, "")
    .toLowerCase()
    .replace(/[^a-z0-9\p{Script=Han}]+/gu, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 40);
  const digest = sha256(`${path}\u0000${headingPath.join("\u001f")}\u0000${content}`).slice(0, 10);
  return `${base || "doc"}#${digest}`;
}
