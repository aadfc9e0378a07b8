import { basename } from "node:path";
import type { TextItem } from "pdfjs-dist/types/src/display/api.js";
import { AppError } from "../errors.ts";

// pdfjs-dist is pinned to 5.x: 6.x needs Node >= 22.13 and Beacon supports Node >= 20.19.
type PdfJs = typeof import("pdfjs-dist/legacy/build/pdf.mjs");
let pdfjs: Promise<PdfJs> | undefined;

// Loaded on first use: the library is large and most processes never read a PDF. The legacy build is the one meant
// for Node; there it runs its "worker" in this thread (no worker file or GlobalWorkerOptions setup needed).
function loadPdfJs(): Promise<PdfJs> {
  pdfjs ??= import("pdfjs-dist/legacy/build/pdf.mjs");
  return pdfjs;
}

/** Part of every PDF's content hash: bump it when the text this file extracts changes, so PDFs are read again. */
export const PDF_READER_VERSION = "pdfjs-pages-1";

const HAN_GAP = /(\p{Script=Han})[ \t\u00a0\u3000]+(?=\p{Script=Han})/gu;
// Extracted lines that Markdown would read as a heading or a code fence would corrupt the page structure.
const MARKDOWN_SYNTAX = /^(\s*)(#{1,6}\s|```|~~~)/;

/**
 * The text of a PDF as Markdown: `# <title>` (metadata Title, else the file name), then `## Page N` per page with
 * text, so passages cite their page in the heading path. Throws AppError("invalid_input") naming the file when it
 * is password-protected, unreadable, or has no text at all (scanned pages: there is no OCR).
 */
export async function pdfToMarkdown(bytes: Uint8Array, fileName: string): Promise<string> {
  const { getDocument, VerbosityLevel } = await loadPdfJs();
  const fail = (reason: string, cause?: unknown) => new AppError("invalid_input", `${fileName}: ${reason}`, { cause });
  const task = getDocument({
    // A copy: pdfjs takes ownership of (detaches) the buffer it is given, and rejects Node Buffers.
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    // Errors only: without the standard fonts data pdfjs warns about Helvetica & co., which text extraction never needs.
    verbosity: VerbosityLevel.ERRORS,
  });
  const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));
  try {
    const doc = await task.promise.catch((error: unknown) => {
      if ((error as { name?: string } | null)?.name === "PasswordException") {
        throw fail("the PDF is password-protected; remove the password and retry", error);
      }
      throw fail(`not a readable PDF (${reason(error)})`, error);
    });
    const sections: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const content = await doc
        .getPage(n)
        .then((page) => page.getTextContent())
        .catch((error: unknown) => {
          throw fail(`page ${n} could not be read (${reason(error)})`, error);
        });
      const text = pageText(content.items.filter((item): item is TextItem => "str" in item));
      if (text) sections.push(`## Page ${n}\n\n${text}`);
    }
    if (sections.length === 0) throw fail("no extractable text (scanned images?); OCR is not supported");
    const { info } = await doc.getMetadata();
    const metaTitle = (info as { Title?: unknown }).Title;
    const title =
      (typeof metaTitle === "string" ? metaTitle.replace(/\s+/g, " ").trim() : "") ||
      basename(fileName).replace(/\.[^.]+$/, "");
    return `# ${title}\n\n${sections.join("\n\n")}\n`;
  } finally {
    await task.destroy();
  }
}

/** Rebuilds the lines of a page from its text items, in content order. */
function pageText(items: readonly TextItem[]): string {
  const lines: string[] = [];
  let line = "";
  let lineY: number | undefined;
  for (const item of items) {
    const y = item.transform[5] ?? 0;
    // pdfjs marks most line ends with hasEOL; a jump in baseline of over half a line catches the rest.
    if (item.str && lineY !== undefined && Math.abs(y - lineY) > Math.max(item.height, 1) / 2) {
      lines.push(line);
      line = "";
      lineY = undefined;
    }
    if (item.str) {
      line += item.str;
      lineY ??= y;
    }
    if (item.hasEOL) {
      lines.push(line);
      line = "";
      lineY = undefined;
    }
  }
  lines.push(line);
  return (
    lines
      // pdfjs inserts a space where two runs leave a gap; between Han characters that space is layout, not text.
      .map((l) => l.replace(HAN_GAP, "$1").trimEnd())
      .filter((l) => l.trim() !== "")
      .map((l) => l.replace(MARKDOWN_SYNTAX, "$1\\$2"))
      .join("\n")
  );
}
