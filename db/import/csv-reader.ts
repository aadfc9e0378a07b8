// Streams a CSV file as records with their 1-based file line, after sniffing encoding and delimiter.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { CsvError, Parser } from "csv-parse";
import { binaryFileHint } from "./file-kind.ts";

/** One parsed record: the file line it starts on and its fields, untrimmed. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** An open CSV file: how it was read, its records (streamed once), and the SHA-256 of its bytes. */
export interface CsvReader {
  delimiter: "," | ";" | "\t";
  encoding: "utf-8" | "utf-16le";
  records: AsyncGenerator<CsvRecord>;
  /** The "# ..." comment lines above the header (GA4 exports: report name, account, date range), "#" removed. */
  preamble: string[];
  /** Hex SHA-256 of the bytes read so far: the whole file once `records` is exhausted. */
  sha256(): string;
  /** Bytes of the file read so far, and its size: how far the import is (progress, ETA). */
  bytesRead(): number;
  size: number;
}

/** The file cannot be read as CSV text at all (encoding, broken quoting): carries the line where it failed. */
export class CsvFormatError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
    this.name = "CsvFormatError";
  }
}

const SNIFF_BYTES = 64 * 1024;
const DELIMITERS = [",", ";", "\t"] as const;

/** Opens `filePath` for streaming; throws CsvFormatError for text that is not UTF-8/UTF-16LE. */
export async function openCsv(filePath: string): Promise<CsvReader> {
  const head = await readHead(filePath);
  const encoding = detectEncoding(head);
  const text = decodeHead(head, encoding);
  const comments = leadingComments(text);
  const delimiter = detectDelimiter(comments.rest);
  const hash = createHash("sha256");
  let bytesRead = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytesRead += chunk.length;
      done(null, chunk);
    },
  });
  const parser = new LineParser({
    delimiter,
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    max_record_size: 1_000_000,
  });
  // The parser reports read errors through iteration; this catch only silences an early `break`.
  pipeline(createReadStream(filePath), tap, parser).catch(() => undefined);
  return {
    delimiter,
    encoding,
    records: iterate(parser, comments.lines),
    preamble: comments.preamble,
    sha256: () => hash.copy().digest("hex"),
    bytesRead: () => bytesRead,
    size: (await stat(filePath)).size,
  };
}

/**
 * Emits each record with the parser's line count at the moment it is pushed (where the record ends): the same
 * number csv-parse's `info` option reports, without the per-record object spreads that option costs.
 */
class LineParser extends Parser {
  override push(record: unknown, encoding?: BufferEncoding): boolean {
    if (record === null) return super.push(null, encoding);
    return super.push({ record, info: { lines: this.info.lines } }, encoding);
  }
}

async function* iterate(parser: AsyncIterable<{ record: string[]; info: { lines: number } }>, skipLines: number) {
  // csv-parse's info.lines is where a record ends, but it counts a quoted CRLF as two lines; editors count one.
  let overcount = 0;
  try {
    for await (const { record, info } of parser) {
      let breaks = 0;
      for (const value of record) {
        if (!value.includes("\n") && !value.includes("\r")) continue;
        overcount += value.split("\r\n").length - 1;
        breaks += value.match(/\r\n|\r|\n/g)?.length ?? 0;
      }
      const line = info.lines - overcount - breaks;
      if (line > skipLines) yield { line, fields: record };
    }
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines ?? 0;
      throw new CsvFormatError(line, `the file is not valid CSV: ${error.message}`);
    }
    throw error;
  }
}

/** "# text", "#" or "# ----": a comment, not a header such as "#,Name" (a column named #) or "#1001,..." (an order). */
const COMMENT_LINE = /^#(?:[\s-]|$)/;

/**
 * The comment lines that open the file (blank lines between them included): how many file lines they take, their
 * text, and the text after them. Only leading lines: "#1001" further down is an order number, not a comment.
 */
export function leadingComments(text: string): { lines: number; preamble: string[]; rest: string } {
  const lines = text.split(/\r\n|\n|\r/);
  let count = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (COMMENT_LINE.test(line)) count = i + 1;
    else if (line.trim() !== "") break;
  }
  const preamble = lines
    .slice(0, count)
    .filter((l) => COMMENT_LINE.test(l))
    .map((l) => l.slice(1).trim());
  return { lines: count, preamble, rest: lines.slice(count).join("\n") };
}

async function readHead(filePath: string): Promise<Buffer> {
  const handle = await open(filePath, "r");
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function detectEncoding(head: Buffer): CsvReader["encoding"] {
  if (head[0] === 0xff && head[1] === 0xfe) return "utf-16le";
  if (head[0] === 0xfe && head[1] === 0xff) {
    throw new CsvFormatError(0, "the file is UTF-16 big-endian text; save it as CSV UTF-8");
  }
  const binary = binaryFileHint(head);
  if (binary) throw new CsvFormatError(0, binary);
  try {
    // stream: true tolerates a character cut in half at the end of the sniffed block.
    new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: true });
  } catch {
    // Only text reaches here (binary formats were recognised above), so the usual cause is a GBK export.
    throw new CsvFormatError(
      0,
      "the file is not UTF-8 text (Excel on Chinese Windows saves GBK/GB18030): save it as 'CSV UTF-8' and retry",
    );
  }
  return "utf-8";
}

function decodeHead(head: Buffer, encoding: CsvReader["encoding"]): string {
  return new TextDecoder(encoding).decode(head).replace(/^\uFEFF/, "");
}

/** The delimiter (`,` `;` or tab) that splits the first lines most, counting outside quotes only. */
export function detectDelimiter(text: string): CsvReader["delimiter"] {
  const lines = text.split(/\r\n|\n|\r/).filter((l) => l.trim() !== "");
  // The last line of the sniffed block may be cut off; a full file of one line is kept.
  const sample = lines.length > 1 ? lines.slice(0, Math.min(10, lines.length - 1)) : lines;
  let best: CsvReader["delimiter"] = ",";
  let bestCount = 0;
  for (const delimiter of DELIMITERS) {
    const count = Math.max(0, ...sample.map((line) => countOutsideQuotes(line, delimiter)));
    if (count > bestCount) {
      best = delimiter;
      bestCount = count;
    }
  }
  return best;
}

function countOutsideQuotes(line: string, char: string): number {
  let quoted = false;
  let count = 0;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    else if (c === char && !quoted) count++;
  }
  return count;
}
