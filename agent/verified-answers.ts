import type { Queryable } from "../db/pool.ts";
import { AppError } from "../errors.ts";
import { hashEmbed } from "../knowledge/embedders/lexical.ts";
import type { Role, ToolDefinition } from "../tools/tool.ts";

/** Roles that may mark an answer as verified (issue 25: a manager or an admin). */
export const VERIFIER_ROLES: readonly Role[] = ["manager", "admin"];

/**
 * Cosine similarity (of the knowledge base's lexical embedding: words, word bigrams, Chinese character bigrams and
 * the glossary's concepts) above which a question counts as the verified one. Measured on the pairs in
 * tests/agent/verified-answers.test.ts: rephrasings ("what was the total revenue last month" vs "What was revenue
 * last month?" 0.90, "best"/"highest ROAS in October" 0.81, "上个月的收入是多少" vs "上个月收入是多少？" 1.0) match;
 * another metric ("spend last month" 0.59, "上个月的花费" 0.56) does not; another period never does (periodKey).
 * Looser rewordings ("Show me last month's revenue" 0.75) fall below: a miss only means the model answers as usual.
 */
export const MATCH_THRESHOLD = 0.8;

export interface VerifiedCall {
  tool: string;
  args: Record<string, unknown>;
}

export interface VerifiedAnswer {
  id: number;
  runId: number | null;
  question: string;
  language: "en" | "zh";
  role: string;
  toolCalls: VerifiedCall[];
  answer: string;
  verifiedBy: string;
  verifiedAt: string;
}

/** Lower case, full-width forms folded (NFKC), punctuation dropped, spaces collapsed: the exact-match key. */
export function normalizeQuestion(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

const PERIOD_WORDS =
  /\d+|\b(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|last|this|next|previous|current|yesterday|today|week|month|quarter|year|ytd|mtd)\b|上个?|本|这个?|下个?|今|去|昨|前|周|星期|月|季度?|年|天|日/g;

/**
 * The period and number words of a question, as a sorted key ("last month", "october 2026", "上 月"). The lexical
 * embedding scores "ROAS in October" and "ROAS in November" 0.84 alike, but re-running October's tool calls for a
 * November question would answer the wrong question: such pairs never match.
 */
export function periodKey(normalized: string): string {
  return [...new Set(normalized.match(PERIOD_WORDS) ?? [])].sort().join(" ");
}

/**
 * 1 for equal normalised texts; 0 when their periods or numbers differ; else the cosine of their lexical
 * embeddings (unit vectors, so the dot product).
 */
export function questionSimilarity(a: string, b: string): number {
  const na = normalizeQuestion(a);
  const nb = normalizeQuestion(b);
  if (na === nb) return 1;
  if (periodKey(na) !== periodKey(nb)) return 0;
  const va = hashEmbed(na);
  const vb = hashEmbed(nb);
  let dot = 0;
  for (let i = 0; i < va.length; i++) dot += (va[i] as number) * (vb[i] as number);
  return dot;
}

interface Row {
  id: string | number;
  run_id: string | number | null;
  question: string;
  language: "en" | "zh";
  role: string;
  tool_calls: VerifiedCall[] | string;
  answer: string;
  verified_by: string;
  verified_at: Date | string;
}

const COLUMNS = "id, run_id, question, language, role, tool_calls, answer, verified_by, verified_at";

function fromRow(row: Row): VerifiedAnswer {
  return {
    id: Number(row.id),
    runId: row.run_id == null ? null : Number(row.run_id),
    question: row.question,
    language: row.language,
    role: row.role,
    toolCalls: typeof row.tool_calls === "string" ? JSON.parse(row.tool_calls) : row.tool_calls,
    answer: row.answer,
    verifiedBy: row.verified_by,
    verifiedAt: new Date(row.verified_at).toISOString(),
  };
}

/**
 * Marks audited run `runId` as verified by `verifiedBy`: its question, its successful tool calls with their exact
 * arguments, and its answer. Refuses runs that did not answer (outcome other than ok) or used no tool (nothing to
 * re-run). Verifying the same run again returns the existing record.
 */
export async function verifyRun(db: Queryable, runId: number, verifiedBy: string): Promise<VerifiedAnswer> {
  const { rows } = await db.query<{
    question: string;
    answer: string | null;
    role: string;
    outcome: string;
    language: string | null;
    tool_calls: unknown;
  }>("SELECT question, answer, role, outcome, language, tool_calls FROM agent_runs WHERE id = $1", [runId]);
  const run = rows[0];
  if (!run) throw new AppError("not_found", `answer ${runId} is not in the audit log (agent_runs)`);
  if (run.outcome !== "ok" || !run.answer) {
    throw new AppError(
      "invalid_input",
      `answer ${runId} has outcome "${run.outcome}"; only complete answers can be verified`,
    );
  }
  const steps = (typeof run.tool_calls === "string" ? JSON.parse(run.tool_calls) : run.tool_calls) as {
    tool: string;
    args: unknown;
    ok: boolean;
  }[];
  // calculate is arithmetic over other results, re-done by the model; only data tools are re-run.
  const calls = steps
    .filter((s) => s.ok && s.tool !== "calculate")
    .map((s) => ({ tool: s.tool, args: (s.args ?? {}) as Record<string, unknown> }));
  if (calls.length === 0) {
    throw new AppError("invalid_input", `answer ${runId} used no data tool; there is nothing to re-run`);
  }
  const inserted = await db.query<Row>(
    `INSERT INTO verified_answers (run_id, question, normalized, language, role, tool_calls, answer, verified_by)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)
     ON CONFLICT (run_id) WHERE run_id IS NOT NULL DO NOTHING
     RETURNING ${COLUMNS}`,
    [
      runId,
      run.question,
      normalizeQuestion(run.question),
      run.language === "zh" ? "zh" : "en",
      run.role,
      JSON.stringify(calls),
      run.answer,
      verifiedBy,
    ],
  );
  if (inserted.rows[0]) return fromRow(inserted.rows[0]);
  const existing = await db.query<Row>(`SELECT ${COLUMNS} FROM verified_answers WHERE run_id = $1`, [runId]);
  return fromRow(existing.rows[0] as Row);
}

export async function listVerified(db: Queryable): Promise<VerifiedAnswer[]> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM verified_answers ORDER BY id`);
  return rows.map(fromRow);
}

export async function getVerified(db: Queryable, id: number): Promise<VerifiedAnswer | null> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM verified_answers WHERE id = $1`, [id]);
  return rows[0] ? fromRow(rows[0]) : null;
}

/** Removes verified answer `id`; false when there is none. */
export async function removeVerified(db: Queryable, id: number): Promise<boolean> {
  const { rowCount } = await db.query("DELETE FROM verified_answers WHERE id = $1", [id]);
  return (rowCount ?? 0) > 0;
}

/**
 * The verified answer a question matches, or null: the most similar one at or above MATCH_THRESHOLD whose every
 * tool the caller's role may run (the same role scope: a marketer never gets a verified answer built on a tool
 * only admins may use). The table holds tens of rows, so they are scored here rather than in SQL.
 */
export async function matchVerified(
  db: Queryable,
  question: string,
  role: Role,
  registry: readonly ToolDefinition[],
): Promise<{ verified: VerifiedAnswer; similarity: number } | null> {
  const all = await listVerified(db);
  let best: { verified: VerifiedAnswer; similarity: number } | null = null;
  for (const verified of all) {
    const allowed = verified.toolCalls.every((call) =>
      registry.some((tool) => tool.name === call.tool && tool.roles.includes(role)),
    );
    if (!allowed) continue;
    const similarity = questionSimilarity(question, verified.question);
    if (similarity >= MATCH_THRESHOLD && (!best || similarity > best.similarity)) best = { verified, similarity };
  }
  return best;
}
