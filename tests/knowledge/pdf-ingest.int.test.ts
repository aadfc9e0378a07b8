// PDF ingestion on every engine: a folder with a PDF and a Markdown file, search_knowledge citing a PDF page,
// idempotent re-ingest of an unchanged PDF, replacement of a changed PDF's chunks, and a clear failure for a PDF
// without text.
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/pool.ts";
import { AppError } from "../../errors.ts";
import { lexicalEmbedder } from "../../knowledge/embedders/lexical.ts";
import { ingestFolder } from "../../knowledge/ingest.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import { queryEmbeddersFrom } from "../../tools/search-knowledge/query-embedder.ts";
import { createSearchKnowledgeTool } from "../../tools/search-knowledge/search-knowledge.tool.ts";
import { testEngines } from "../helpers/databases.ts";
import { type PdfPage, writePdf } from "../helpers/pdf-writer.ts";

const TIERING = `# Tiering

## High value
High value customers get tailored service and exclusive offers.
`;

const lines = (page: string[]): PdfPage => ({ texts: page.map((text, i) => ({ text, x: 72, y: 720 - 16 * i })) });

const REPORT_PAGES = [
  lines(["Quarterly review", "Overview of the quarter for the marketing team."]),
  lines(["Coupon fatigue", "Repeated coupon mailings lowered the redemption rate", "among dormant subscribers."]),
  { texts: [{ text: "渠道预算：短视频投放的获客成本下降。", x: 72, y: 720, font: "han" as const }] },
];

const chunksOf = async (db: Database, path: string) =>
  (
    await db.pool.query<{ heading_path: string[]; content: string; citation_id: string }>(
      `SELECT c.heading_path, c.content, c.citation_id FROM kb_chunks c JOIN kb_documents d ON d.id = c.document_id
       WHERE d.path = $1 ORDER BY c.position`,
      [path],
    )
  ).rows;

describe.each(testEngines())("PDF ingestion on $name", (engine) => {
  let db: Database;
  let dir: string;
  const ingest = () => ingestFolder(db, dir, { collection: "team", embedders: [lexicalEmbedder] });
  const tool = createSearchKnowledgeTool(queryEmbeddersFrom(async () => null));
  // biome-ignore lint/suspicious/noExplicitAny: tool answers are checked field by field.
  async function search(query: string): Promise<any> {
    const context = {
      caller: { userId: "U1", role: "marketer" as const, canSeePii: false },
      timezone: "UTC",
      currency: "CNY",
    };
    const outcome = await invokeTool(db, "search_knowledge", { query, limit: 3 }, context, [tool]);
    if (!outcome.ok) throw new Error(outcome.error);
    return outcome.result;
  }

  beforeAll(async () => {
    db = await engine.open();
    dir = mkdtempSync(join(tmpdir(), "beacon-pdf-"));
    writeFileSync(join(dir, "tiering.md"), TIERING);
    writeFileSync(join(dir, "q3-report.pdf"), writePdf(REPORT_PAGES, { title: "Q3 marketing review" }));
  });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db.close();
  });

  it("ingests a PDF beside Markdown, one section per page", async () => {
    const report = await ingest();
    expect(report.added).toEqual(["team/q3-report.pdf", "team/tiering.md"]);
    const docs = await db.pool.query("SELECT path, title, lang FROM kb_documents ORDER BY path");
    expect(docs.rows).toEqual([
      { path: "team/q3-report.pdf", title: "Q3 marketing review", lang: "en" },
      { path: "team/tiering.md", title: "Tiering", lang: "en" },
    ]);
    expect((await chunksOf(db, "team/q3-report.pdf")).map((c) => [c.heading_path, c.content])).toEqual([
      [["Page 1"], "Quarterly review\nOverview of the quarter for the marketing team."],
      [["Page 2"], "Coupon fatigue\nRepeated coupon mailings lowered the redemption rate\namong dormant subscribers."],
      [["Page 3"], "渠道预算：短视频投放的获客成本下降。"],
    ]);
  });

  it("search_knowledge cites a PDF passage with its page in the heading path, in both languages", async () => {
    const en = await search("coupon redemption rate of dormant subscribers");
    expect(en.passages[0]).toMatchObject({
      document: "team/q3-report.pdf",
      title: "Q3 marketing review",
      heading_path: ["Page 2"],
      citation_id: expect.stringMatching(/^q3-report#[0-9a-f]{10}$/),
    });
    expect(en.passages[0].quoted_document_content).toContain("Repeated coupon mailings");
    const zh = await search("短视频获客成本");
    expect(zh.passages[0]).toMatchObject({ document: "team/q3-report.pdf", heading_path: ["Page 3"] });
  });

  it("re-ingesting the unchanged PDF changes nothing", async () => {
    const before = await chunksOf(db, "team/q3-report.pdf");
    const report = await ingest();
    expect(report).toMatchObject({ added: [], updated: [], deleted: [], unchanged: 2, chunks_written: 0 });
    expect(await chunksOf(db, "team/q3-report.pdf")).toEqual(before);
  });

  it("replaces a changed PDF's chunks; unchanged pages keep their citation ids", async () => {
    const before = await chunksOf(db, "team/q3-report.pdf");
    const changed = [REPORT_PAGES[0] as PdfPage, lines(["Coupon fatigue", "Weekly coupons were stopped in May."])];
    writeFileSync(join(dir, "q3-report.pdf"), writePdf(changed, { title: "Q3 marketing review" }));
    const report = await ingest();
    expect(report).toMatchObject({ added: [], updated: ["team/q3-report.pdf"], unchanged: 1, chunks_written: 2 });
    const after = await chunksOf(db, "team/q3-report.pdf");
    expect(after.map((c) => [c.heading_path, c.content])).toEqual([
      [["Page 1"], "Quarterly review\nOverview of the quarter for the marketing team."],
      [["Page 2"], "Coupon fatigue\nWeekly coupons were stopped in May."],
    ]);
    expect(after[0]?.citation_id).toBe(before[0]?.citation_id);
    const hits = await search("coupon redemption rate of dormant subscribers");
    expect(
      hits.passages.some((p: { quoted_document_content: string }) => p.quoted_document_content.includes("dormant")),
    ).toBe(false);
  });

  it("fails the folder ingest with a clear message for a PDF without text, storing nothing", async () => {
    const scanned = join(dir, "scan.pdf");
    writeFileSync(scanned, writePdf([{ graphics: "0.5 g 72 72 468 648 re f" }]));
    writeFileSync(join(dir, "tiering.md"), `${TIERING}\nLow value customers get trials.\n`);
    try {
      const error = await ingest().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).userMessage).toBe(
        `${scanned}: no extractable text (scanned images?); OCR is not supported`,
      );
      expect(await db.pool.query("SELECT path FROM kb_documents WHERE path = 'team/scan.pdf'")).toMatchObject({
        rows: [],
      });
      expect((await chunksOf(db, "team/tiering.md")).map((c) => c.content).join("\n")).not.toContain("Low value");
    } finally {
      unlinkSync(scanned);
    }
    expect((await ingest()).updated).toEqual(["team/tiering.md"]);
  });
});
