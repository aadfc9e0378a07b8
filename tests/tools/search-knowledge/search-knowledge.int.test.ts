// search_knowledge through the public tool interface on the bundled playbook, on every engine.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../db/pool.ts";
import { AppError } from "../../../errors.ts";
import type { Embedder } from "../../../knowledge/embedders/embedder.ts";
import { hashEmbed, lexicalEmbedder } from "../../../knowledge/embedders/lexical.ts";
import { ingestPlaybook } from "../../../knowledge/playbook.ts";
import { invokeTool } from "../../../tools/run-tool.ts";
import { queryEmbeddersFrom } from "../../../tools/search-knowledge/query-embedder.ts";
import { createSearchKnowledgeTool } from "../../../tools/search-knowledge/search-knowledge.tool.ts";
import { ROLES, type Role } from "../../../tools/tool.ts";
import { testEngines } from "../../helpers/databases.ts";

// biome-ignore lint/suspicious/noExplicitAny: tool answers are checked field by field.
type Loose = any;

// A "semantic" stand-in whose vectors are stored under its own model name (hashed features in 64 dims).
const fakeSemantic: Embedder = {
  model: "test-semantic-64",
  dims: 64,
  kind: "semantic",
  embed: async (texts) => texts.map((t) => hashEmbed(t, 64)),
};

describe.each(testEngines())("search_knowledge on $name", (engine) => {
  let db: Database;

  async function call(
    args: Record<string, unknown>,
    role: Role = "marketer",
    tool = createSearchKnowledgeTool(lexicalOnly),
  ) {
    return invokeTool(
      db,
      "search_knowledge",
      args,
      {
        caller: { userId: "U1", role, canSeePii: false },
        timezone: "Asia/Shanghai",
        currency: "CNY",
      },
      [tool],
    );
  }
  async function ok(args: Record<string, unknown>, tool = createSearchKnowledgeTool(lexicalOnly)): Promise<Loose> {
    const outcome = await call(args, "marketer", tool);
    if (!outcome.ok) throw new Error(outcome.error);
    return outcome.result;
  }
  const lexicalOnly = queryEmbeddersFrom(async () => null);

  beforeAll(async () => {
    db = await engine.open();
  });
  afterAll(() => db.close());

  it("says the knowledge base is empty before anything is ingested", async () => {
    const result = await ok({ query: "budget rules" });
    expect(result.passages).toEqual([]);
    expect(result.note).toMatch(/beacon ingest/);
    await ingestPlaybook(db, [lexicalEmbedder, fakeSemantic]);
  });

  it("answers an English question with cited passages and honest metadata", async () => {
    const result = await ok({ query: "How should we treat lapsing high-value customers?" });
    expect(result.retrieval.embedder_kind).toBe("lexical");
    expect(result.retrieval.embedder).toMatch(
      /^lexical hashed embedding \(beacon-lexical-v1, 512 dims\).*not a semantic model$/,
    );
    expect(result.retrieval.method).toMatch(/HNSW.*full-text.*reciprocal rank fusion/);
    expect(result.content_notice).toMatch(/untrusted/);
    expect(result.passages).toHaveLength(5);
    const top = result.passages[0];
    expect(top).toMatchObject({
      rank: 1,
      title: "Customer lifecycle and win-back",
      heading_path: ["Plays by stage"],
      document: "playbook/customer-lifecycle.md",
      language: "en",
    });
    expect(top.citation_id).toMatch(/^customer-lifecycle#[0-9a-f]{10}$/);
    expect(top.quoted_document_content).toContain("Lapsing high-value customers");
    expect(top.matched_by).toEqual(["vector", "full_text"]);
  });

  it("answers a Chinese question from the Chinese playbook", async () => {
    const result = await ok({ query: "一笔订单被多个平台同时认领时怎么计算转化?", limit: 3 });
    expect(result.passages[0]).toMatchObject({
      document: "playbook/zh-attribution-dedup.md",
      heading_path: ["规则二：平台转化排重"],
      language: "zh",
    });
  });

  it("filters by language, tag and document (title or path)", async () => {
    const zh = await ok({ query: "ROAS", language: "zh" });
    expect(zh.passages.length).toBeGreaterThan(0);
    expect(zh.passages.every((p: Loose) => p.language === "zh")).toBe(true);
    const budget = await ok({ query: "how much can a budget change", tag: "budget" });
    expect(budget.passages.every((p: Loose) => p.tags.includes("budget"))).toBe(true);
    const doc = await ok({ query: "priority", document: "Customer feedback handling process" });
    expect(doc.filters.document).toBe("playbook/feedback-handling.md");
    expect(doc.passages.every((p: Loose) => p.document === "playbook/feedback-handling.md")).toBe(true);
    const byFile = await ok({ query: "priority", document: "feedback-handling.md", limit: 2 });
    expect(byFile.passages.map((p: Loose) => p.citation_id)).toEqual(
      doc.passages.slice(0, 2).map((p: Loose) => p.citation_id),
    );
  });

  it("names the field and the known values when a filter is wrong", async () => {
    const unknownDoc = await call({ query: "budget", document: "no such doc" });
    expect(unknownDoc).toMatchObject({ ok: false, reason: "invalid_input" });
    expect(!unknownDoc.ok && unknownDoc.error).toMatch(
      /^document: no document titled or at "no such doc"; known documents: .*Budget allocation rules/,
    );
    const unknownTag = await call({ query: "budget", tag: "nope" });
    expect(!unknownTag.ok && unknownTag.error).toMatch(/^tag: unknown tag "nope"; known tags: .*budget/);
    const bad = await call({ query: "x", language: "fr" });
    expect(bad).toMatchObject({ ok: false, reason: "invalid_input" });
    expect(!bad.ok && bad.error).toMatch(/query/);
    expect(!bad.ok && bad.error).toMatch(/language/);
  });

  it("is open to every role and runs read-only", async () => {
    for (const role of ROLES) expect((await call({ query: "NPS" }, role)).ok).toBe(true);
    expect(createSearchKnowledgeTool(lexicalOnly).access).toBe("read");
  });

  it("uses a semantic embedder whose vectors are stored, and says so", async () => {
    const tool = createSearchKnowledgeTool(queryEmbeddersFrom(async () => fakeSemantic));
    const result = await ok({ query: "frequency cap for retargeting" }, tool);
    expect(result.retrieval).toMatchObject({ embedder_kind: "semantic" });
    expect(result.retrieval.embedder).toMatch(/^semantic embedding \(test-semantic-64, 64 dims\)/);
    expect(result.passages[0].heading_path).toEqual(["Frequency caps"]);
  });

  it("falls back to the lexical embedder when the semantic one is unreachable or has no vectors", async () => {
    const down = createSearchKnowledgeTool(
      queryEmbeddersFrom(async () => {
        throw new AppError("model_unavailable", "connection refused");
      }),
    );
    const result = await ok({ query: "frequency cap for retargeting" }, down);
    expect(result.retrieval.embedder_kind).toBe("lexical");
    expect(result.retrieval.fallback).toMatch(/semantic embedder unavailable/);
    const notIngested: Embedder = { ...fakeSemantic, model: "other-model" };
    const missing = await ok({ query: "NPS" }, createSearchKnowledgeTool(queryEmbeddersFrom(async () => notIngested)));
    expect(missing.retrieval.fallback).toMatch(/no other-model vectors stored yet/);
  });
});
