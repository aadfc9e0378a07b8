// PDF to Markdown on real PDF bytes written by tests/helpers/pdf-writer.ts.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AppError } from "../../errors.ts";
import { parseDocument } from "../../knowledge/document.ts";
import { prepareFile, readKnowledgeFile } from "../../knowledge/ingest.ts";
import { pdfToMarkdown } from "../../knowledge/pdf.ts";
import { writePdf } from "../helpers/pdf-writer.ts";

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("pdfToMarkdown", () => {
  it("titles the document from the PDF metadata and makes one section per page", async () => {
    const pdf = writePdf(
      [
        { texts: [{ text: "Budget moves above 30% need approval.", x: 72, y: 720 }] },
        { texts: [{ text: "Second page text.", x: 72, y: 720 }] },
      ],
      { title: "Budget  rules\n2025" },
    );
    expect(await pdfToMarkdown(pdf, "docs/budget.pdf")).toBe(
      "# Budget rules 2025\n\n## Page 1\n\nBudget moves above 30% need approval.\n\n## Page 2\n\nSecond page text.\n",
    );
  });

  it("falls back to the file name without extension, and skips pages without text", async () => {
    const pdf = writePdf(
      [
        { texts: [{ text: "Cover text", x: 72, y: 720 }] },
        { graphics: "0.5 g 72 72 468 648 re f" },
        { texts: [{ text: "Third page", x: 72, y: 720 }] },
      ],
      { title: "  " },
    );
    const markdown = await pdfToMarkdown(pdf, "/tmp/kb/Q3 review.PDF");
    expect(markdown).toBe("# Q3 review\n\n## Page 1\n\nCover text\n\n## Page 3\n\nThird page\n");
    expect(parseDocument("Q3 review.PDF", markdown).title).toBe("Q3 review");
  });

  it("rebuilds lines from text runs: runs on one baseline join, a new baseline starts a line", async () => {
    const pdf = writePdf([
      {
        texts: [
          { text: "Channel", x: 72, y: 720 },
          { text: "ROAS", x: 200, y: 720 },
          { text: "Search ads", x: 72, y: 700 },
          { text: "4.2", x: 200, y: 700 },
          { text: "# 1 priority: win-back", x: 72, y: 680 },
          { text: "```", x: 72, y: 660 },
        ],
      },
    ]);
    const markdown = await pdfToMarkdown(pdf, "table.pdf");
    expect(markdown.split("\n").slice(4)).toEqual([
      "Channel ROAS",
      "Search ads 4.2",
      "\\# 1 priority: win-back",
      "\\```",
      "",
    ]);
  });

  it("keeps Chinese text intact, without the spaces pdfjs puts between separately drawn runs", async () => {
    const pdf = writePdf(
      [
        {
          texts: [
            { text: "流失预警：高价值", x: 72, y: 720, font: "han" },
            // 8 characters of 12 pt end at x = 168: the 4 pt gap makes pdfjs insert a space.
            { text: "客户回访。", x: 172, y: 720, font: "han" },
            { text: "ROAS", x: 72, y: 700 },
            { text: "与获客成本", x: 110, y: 700, font: "han" },
          ],
        },
      ],
      { title: "客户分层 Playbook" },
    );
    const markdown = await pdfToMarkdown(pdf, "zh.pdf");
    expect(markdown).toBe("# 客户分层 Playbook\n\n## Page 1\n\n流失预警：高价值客户回访。\nROAS 与获客成本\n");
    const prepared = prepareFile("team/zh.pdf", markdown);
    expect(prepared).toMatchObject({ title: "客户分层 Playbook", lang: "zh" });
    expect(prepared.chunks.map((c) => [c.headingPath, c.content])).toEqual([
      [["Page 1"], "流失预警：高价值客户回访。\nROAS 与获客成本"],
    ]);
  });

  it("rejects a PDF without any text, naming the file", async () => {
    const pdf = writePdf([{ graphics: "0.5 g 72 72 468 648 re f" }, {}]);
    const error = await rejection(pdfToMarkdown(pdf, "scans/invoice.pdf"));
    expect(error.code).toBe("invalid_input");
    expect(error.userMessage).toBe("scans/invoice.pdf: no extractable text (scanned images?); OCR is not supported");
  });

  it("rejects corrupt bytes and password-protected files as invalid input", async () => {
    const corrupt = await rejection(pdfToMarkdown(new TextEncoder().encode("not a pdf at all"), "broken.pdf"));
    expect(corrupt.code).toBe("invalid_input");
    expect(corrupt.userMessage).toMatch(/^broken\.pdf: not a readable PDF \(.+\)$/);

    const truncated = writePdf([{ texts: [{ text: "Hello", x: 72, y: 720 }] }]).slice(0, 40);
    expect((await rejection(pdfToMarkdown(truncated, "cut.pdf"))).userMessage).toMatch(/^cut\.pdf: /);

    const locked = writePdf([{ texts: [{ text: "Secret", x: 72, y: 720 }] }], { passwordProtected: true });
    const error = await rejection(pdfToMarkdown(locked, "locked.pdf"));
    expect(error.code).toBe("invalid_input");
    expect(error.userMessage).toBe("locked.pdf: the PDF is password-protected; remove the password and retry");
  });

  it("does not detach or alter the caller's bytes, and is deterministic (stable content hashes)", async () => {
    const pdf = writePdf([{ texts: [{ text: "Same text", x: 72, y: 720 }] }]);
    const copy = pdf.slice();
    const first = await pdfToMarkdown(pdf, "a.pdf");
    expect(pdf).toEqual(copy);
    expect(await pdfToMarkdown(Buffer.from(pdf), "a.pdf")).toBe(first);
  });

  it("hashes a PDF's bytes without parsing it, so unchanged PDFs are skipped unread", async () => {
    const dir = mkdtempSync(join(tmpdir(), "beacon-pdf-hash-"));
    try {
      const good = join(dir, "good.pdf");
      const broken = join(dir, "broken.pdf");
      writeFileSync(good, writePdf([{ texts: [{ text: "Same text", x: 72, y: 720 }] }]));
      writeFileSync(broken, "not a pdf at all");
      // No parse happens here: the corrupt file only fails once its text is asked for.
      const read = readKnowledgeFile(broken);
      expect(read.contentHash).toMatch(/^[0-9a-f]{64}$/);
      expect((await rejection(read.text())).userMessage).toMatch(/broken\.pdf: not a readable PDF/);
      expect(readKnowledgeFile(good).contentHash).toBe(readKnowledgeFile(good).contentHash);
      expect(readKnowledgeFile(good).contentHash).not.toBe(read.contentHash);
      expect(await readKnowledgeFile(good).text()).toMatch(/## Page 1\n\nSame text/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
