import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Database, withTransaction } from "../../db/pool.ts";
import type { Embedder } from "../embedders/embedder.ts";
import { type SearchHit, type SearchMode, searchKnowledge } from "../search.ts";

export const QUESTIONS_FILE = join(dirname(fileURLToPath(import.meta.url)), "questions.json");

export interface RelevantPassage {
  /** File name (or path suffix) of the document. */
  document: string;
  /** A heading that must appear in the chunk's heading path; absent = any chunk of the document. */
  heading?: string;
}

export interface EvalQuestion {
  id: string;
  lang: "en" | "zh";
  question: string;
  cross_language?: boolean;
  relevant: RelevantPassage[];
}

/** The bundled evaluation questions. */
export function loadQuestions(file = QUESTIONS_FILE): EvalQuestion[] {
  return (JSON.parse(readFileSync(file, "utf8")) as { questions: EvalQuestion[] }).questions;
}

/** Whether a retrieved chunk is the given relevant passage. */
export function matches(hit: Pick<SearchHit, "path" | "heading_path">, relevant: RelevantPassage): boolean {
  const inDocument = hit.path === relevant.document || hit.path.endsWith(`/${relevant.document}`);
  return (
    inDocument &&
    (relevant.heading === undefined || hit.heading_path.some((h) => h.includes(relevant.heading as string)))
  );
}

export interface QuestionScore {
  id: string;
  /** Share of the relevant passages found in the top k. */
  recall: number;
  /** 1 / rank of the first relevant chunk in the top 10, 0 when none. */
  reciprocalRank: number;
}

/** Recall@k and reciprocal rank of one ranked list. */
export function scoreQuestion(
  question: EvalQuestion,
  hits: readonly Pick<SearchHit, "path" | "heading_path">[],
  k = 5,
): QuestionScore {
  const top = hits.slice(0, k);
  const found = question.relevant.filter((r) => top.some((hit) => matches(hit, r))).length;
  const first = hits.findIndex((hit) => question.relevant.some((r) => matches(hit, r)));
  return { id: question.id, recall: found / question.relevant.length, reciprocalRank: first < 0 ? 0 : 1 / (first + 1) };
}

export interface EvalSummary {
  name: string;
  questions: number;
  recall_at_5: number;
  mrr: number;
  /** Per group: en, zh (question language), same_language and cross_language (the answer's language). */
  groups: Record<string, { questions: number; recall_at_5: number; mrr: number }>;
  misses: string[];
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Averages question scores, overall and per group. */
export function summarise(
  name: string,
  questions: readonly EvalQuestion[],
  scores: readonly QuestionScore[],
): EvalSummary {
  const byId = new Map(scores.map((s) => [s.id, s]));
  const group = (filter: (q: EvalQuestion) => boolean) => {
    const s = questions.filter(filter).map((q) => byId.get(q.id) as QuestionScore);
    return {
      questions: s.length,
      recall_at_5: round(mean(s.map((x) => x.recall))),
      mrr: round(mean(s.map((x) => x.reciprocalRank))),
    };
  };
  return {
    name,
    questions: scores.length,
    recall_at_5: round(mean(scores.map((s) => s.recall))),
    mrr: round(mean(scores.map((s) => s.reciprocalRank))),
    groups: {
      en: group((q) => q.lang === "en"),
      zh: group((q) => q.lang === "zh"),
      same_language: group((q) => q.cross_language !== true),
      cross_language: group((q) => q.cross_language === true),
    },
    misses: scores.filter((s) => s.recall < 1).map((s) => s.id),
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Runs every question through one retrieval configuration on an ingested database. */
export async function evaluateRetrieval(
  db: Database,
  name: string,
  mode: SearchMode,
  embedder: Embedder | undefined,
  questions: readonly EvalQuestion[] = loadQuestions(),
): Promise<EvalSummary> {
  const scores: QuestionScore[] = [];
  for (const question of questions) {
    const hits = await withTransaction(
      db.pool,
      (client) => searchKnowledge(client, question.question, { mode, ...(embedder ? { embedder } : {}), limit: 10 }),
      { readOnly: true },
    );
    scores.push(scoreQuestion(question, hits));
  }
  return summarise(name, questions, scores);
}
