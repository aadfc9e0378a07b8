// Cross-language retrieval on the bundled playbook: a Chinese question finds the English passage and vice versa
// (glossary expansion of the query), measured on every engine without lowering same-language recall.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/pool.ts";
import { lexicalEmbedder } from "../../knowledge/embedders/lexical.ts";
import { evaluateRetrieval, loadQuestions } from "../../knowledge/eval/evaluate.ts";
import { ingestPlaybook } from "../../knowledge/playbook.ts";
import { searchKnowledge } from "../../knowledge/search.ts";
import { testEngines } from "../helpers/databases.ts";

describe.each(testEngines())("cross-language retrieval on $name", (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await engine.open();
    await ingestPlaybook(db, [lexicalEmbedder]);
  }, 60_000);
  afterAll(() => db.close());

  it("measures hybrid recall@5: 0.958 across languages (0.292 before expansion), 0.974 within one (0.947 before)", async () => {
    const hybrid = await evaluateRetrieval(db, "lexical hybrid", "hybrid", lexicalEmbedder);
    expect(hybrid.groups.cross_language).toEqual({ questions: 24, recall_at_5: 0.958, mrr: 0.663 });
    expect(hybrid.groups.same_language).toEqual({ questions: 38, recall_at_5: 0.974, mrr: 0.761 });
    // The first eight cross-language questions, on which the issue measured 0.625.
    const first = loadQuestions().filter((q) => q.cross_language && Number(q.id.slice(3)) <= 23);
    const original = await evaluateRetrieval(db, "first eight", "hybrid", lexicalEmbedder, first);
    expect(original.questions).toBe(8);
    expect(original.recall_at_5).toBe(1);
  }, 60_000);

  it("answers the Chinese win-back question with the English playbook section first", async () => {
    const hits = await searchKnowledge(db.pool, "对于有流失风险的高价值客户,我们的运营手册建议怎么做?", {
      embedder: lexicalEmbedder,
    });
    expect(hits[0]?.path).toBe("playbook/customer-lifecycle.md");
    expect(hits[0]?.heading_path.at(-1)).toBe("Plays by stage");
    expect(hits[0]?.content).toContain("Lapsing high-value customers");
  });

  it("finds a Chinese-only section from an English question", async () => {
    const hits = await searchKnowledge(db.pool, "What are the rules for working with KOL partners?", {
      embedder: lexicalEmbedder,
    });
    expect(hits.map((h) => `${h.path} ${h.heading_path.at(-1)}`)).toContain(
      "playbook/zh-ad-crm-optimisation.md KOL 合作规则",
    );
  });
});
