import { describe, expect, it } from "vitest";
import { glossaryConcepts, glossaryExpansion, glossarySize } from "../../knowledge/embedders/glossary.ts";
import { type EvalQuestion, loadQuestions, scoreQuestion, summarise } from "../../knowledge/eval/evaluate.ts";
import { reciprocalRankFusion } from "../../knowledge/fuse.ts";
import { anyOf, expandForLexical, matchTerms } from "../../knowledge/search.ts";
import { searchTokens } from "../../knowledge/segment.ts";

describe("reciprocalRankFusion", () => {
  it("adds 1 / (60 + rank) per list and ranks items found by both first", () => {
    const fused = reciprocalRankFusion([10, 20, 30], [30, 40]);
    expect(fused.map((h) => h.chunkId)).toEqual([30, 10, 20, 40]);
    expect(fused[0]).toMatchObject({ vectorRank: 3, textRank: 1 });
    expect(fused[0]?.score).toBeCloseTo(1 / 63 + 1 / 61, 12);
    expect(fused[1]?.score).toBeCloseTo(1 / 61, 12);
    // 20 (vector rank 2) and 40 (text rank 2) tie at 1/62: the vector list decides.
    expect(fused[3]).toMatchObject({ chunkId: 40, vectorRank: null, textRank: 2 });
  });

  it("keeps the vector order on ties and ignores repeated ids", () => {
    expect(reciprocalRankFusion([1, 1, 2], [3]).map((h) => h.chunkId)).toEqual([1, 3, 2]);
  });
});

describe("full-text query terms", () => {
  it("quotes every lexeme", () => {
    expect(anyOf(["roas", "排重"])).toBe("'roas' | '排重'");
    expect(anyOf([])).toBeNull();
  });

  it("matches on rare terms and drops terms no chunk has", () => {
    const counts = new Map([
      ["", 50_000],
      ["customer", 30_000],
      ["laps", 40],
      ["tier", 900],
    ]);
    expect(matchTerms(["customer", "laps", "tier", "unknown"], counts)).toEqual(["laps"]);
    // Nothing under 1% of chunks: the rarest alone when under 20%, else nothing.
    expect(matchTerms(["customer", "tier"], counts)).toEqual(["tier"]);
    expect(matchTerms(["customer"], counts)).toEqual([]);
    // Small knowledge bases keep every term seen in up to 100 chunks.
    expect(
      matchTerms(
        ["a", "b"],
        new Map([
          ["", 80],
          ["a", 70],
          ["b", 3],
        ]),
      ),
    ).toEqual(["b", "a"]);
  });
});

describe("glossary", () => {
  it("maps English and Chinese names of one concept to the same concept", () => {
    const en = glossaryConcepts(searchTokens("platform de-duplication rules"));
    const zh = glossaryConcepts(searchTokens("投放排重规则"));
    expect(en.filter((c) => zh.includes(c)).length).toBeGreaterThan(0);
    expect(glossarySize()).toBeGreaterThan(80);
  });

  it("expands a query with the other language's names of its concepts, never repeating the query's own tokens", () => {
    expect(glossaryExpansion(searchTokens("高价值客户流失了"))).toEqual(
      expect.arrayContaining(["high", "value", "laps", "inactive", "churn"]),
    );
    const en = searchTokens("win back lapsed customers");
    const expanded = glossaryExpansion(en);
    expect(expanded).toEqual(expect.arrayContaining(["召回", "挽回", "流失"]));
    expect(expanded.filter((t) => en.includes(t))).toEqual([]);
    expect(glossaryExpansion(searchTokens("the weather today"))).toEqual([]);
    expect(glossaryExpansion(searchTokens("KOL"))).toEqual(["influencer", "网红"]);
  });

  it("adds the translations to the lexical query text only when the glossary knows a term", () => {
    expect(expandForLexical("the weather today")).toBe("the weather today");
    expect(expandForLexical("渠道分级")).toMatch(/^渠道分级\n.*\bchannel\b.*\bgrade\b/);
  });
});

describe("evaluation metrics", () => {
  const question: EvalQuestion = {
    id: "q",
    lang: "en",
    question: "?",
    relevant: [{ document: "a.md", heading: "Rules" }, { document: "b.md" }],
  };
  const hit = (path: string, heading: string[] = []) => ({ path, heading_path: heading });

  it("computes recall@5 over the relevant passages and the reciprocal rank of the first", () => {
    const hits = [hit("x/c.md"), hit("x/a.md", ["Intro"]), hit("x/a.md", ["Rules", "Detail"]), hit("x/d.md")];
    expect(scoreQuestion(question, hits)).toEqual({ id: "q", recall: 0.5, reciprocalRank: 1 / 3 });
    expect(scoreQuestion(question, [hit("x/b.md"), hit("x/a.md", ["Rules"])])).toEqual({
      id: "q",
      recall: 1,
      reciprocalRank: 1,
    });
    const late = [...Array.from({ length: 5 }, () => hit("x/z.md")), hit("x/b.md")];
    expect(scoreQuestion(question, late)).toEqual({ id: "q", recall: 0, reciprocalRank: 1 / 6 });
  });

  it("summarises overall and per group", () => {
    const summary = summarise(
      "t",
      [question, { ...question, id: "r", lang: "zh", cross_language: true }],
      [
        { id: "q", recall: 1, reciprocalRank: 1 },
        { id: "r", recall: 0.5, reciprocalRank: 0.25 },
      ],
    );
    expect(summary).toMatchObject({ recall_at_5: 0.75, mrr: 0.625, misses: ["r"] });
    expect(summary.groups.cross_language).toEqual({ questions: 1, recall_at_5: 0.5, mrr: 0.25 });
  });

  it("ships at least 40 questions, half in each language, some cross-language", () => {
    const questions = loadQuestions();
    expect(questions.length).toBeGreaterThanOrEqual(40);
    expect(questions.filter((q) => q.lang === "zh").length).toBeGreaterThanOrEqual(20);
    expect(questions.filter((q) => q.lang === "en").length).toBeGreaterThanOrEqual(20);
    expect(questions.filter((q) => q.cross_language).length).toBeGreaterThanOrEqual(5);
    expect(new Set(questions.map((q) => q.id)).size).toBe(questions.length);
  });
});
