// --skip-invalid: the rows left out of a partial load go to a CSV beside the input, each with its original fields
// as read and why it was left out, so the user can fix that file and import it with the same command.

import { once } from "node:events";
import { constants, createWriteStream, type WriteStream } from "node:fs";
import { access } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, extname, join } from "node:path";
import type { ImportProblem } from "./types.ts";

/** The columns put before the file's own: where the row was and what was wrong with it. */
export const REJECT_COLUMNS = ["rejected line", "rejected column", "rejected reason"] as const;

/** One row left out, with every problem found in it. */
export interface RejectedRow {
  line: number;
  /** The row's fields as read (empty for a row the parser could not split). */
  fields: readonly string[];
  problems: ImportProblem[];
}

/** Where the rejects file goes: `<name>.rejects.csv` beside the input, or the temp folder when that is read-only. */
export async function rejectsPath(inputPath: string): Promise<{ path: string; note?: string }> {
  const name = `${basename(inputPath, extname(inputPath))}.rejects.csv`;
  const folder = dirname(inputPath);
  try {
    await access(folder, constants.W_OK);
    return { path: join(folder, name) };
  } catch {
    const path = join(tmpdir(), name);
    return { path, note: `the input folder ${folder} is not writable: the rejected rows went to ${path}` };
  }
}

/** Streams rejected rows to a CSV (UTF-8 with a BOM, so Excel shows 中文); opened on the first row only. */
export class RejectsWriter {
  private stream: WriteStream | undefined;
  count = 0;

  constructor(
    readonly path: string,
    private readonly header: readonly string[],
  ) {}

  async write(rows: readonly RejectedRow[]): Promise<void> {
    if (rows.length === 0) return;
    if (!this.stream) {
      this.stream = createWriteStream(this.path, { encoding: "utf8" });
      this.stream.write(`\uFEFF${csvLine([...REJECT_COLUMNS, ...this.header])}\r\n`);
    }
    let text = "";
    for (const row of rows) {
      const columns = [...new Set(row.problems.map((p) => p.column).filter((c) => c !== undefined))];
      const reasons = row.problems.map((p) => (p.column !== undefined ? `${p.column}: ${p.reason}` : p.reason));
      text += `${csvLine([String(row.line), columns.join("; "), reasons.join("; "), ...row.fields])}\r\n`;
    }
    this.count += rows.length;
    if (!this.stream.write(text)) await once(this.stream, "drain");
  }

  /** Flushes and closes the file (a no-op when nothing was rejected). */
  async close(): Promise<void> {
    const stream = this.stream;
    if (!stream) return;
    this.stream = undefined;
    await new Promise<void>((resolve, reject) => {
      stream.once("error", reject);
      stream.end(resolve);
    });
  }
}

/** One CSV line: fields quoted when they hold a comma, quote or line break. */
export function csvLine(fields: readonly string[]): string {
  return fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f)).join(",");
}
