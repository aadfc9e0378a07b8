import type { Queryable } from "../../db/pool.ts";

export interface ProposalRow {
  id: number;
  author: string;
  author_role: string;
  status: "proposed" | "approved" | "rejected" | "superseded";
  total_budget: number;
  expected_outcome: number;
  revises_id: number | null;
  decided_by: string | null;
  decided_role: string | null;
  decided_at: string | null;
  decision_note: string | null;
  created_at: string;
  inputs: Record<string, unknown>;
  result: Record<string, unknown>;
}

const COLUMNS = `id, author, author_role, status, total_budget, expected_outcome, revises_id, decided_by, decided_role,
  decided_at::text AS decided_at, decision_note, created_at::text AS created_at, inputs, result`;

/** Stores a new proposal; when it revises an open one, that one is marked superseded in the same transaction. */
export async function insertProposal(
  db: Queryable,
  p: {
    author: string;
    authorRole: string;
    inputs: unknown;
    result: unknown;
    totalBudget: number;
    expectedOutcome: number;
    revisesId: number | null;
  },
): Promise<number> {
  if (p.revisesId !== null) {
    await db.query("UPDATE budget_proposals SET status = 'superseded' WHERE id = $1 AND status = 'proposed'", [
      p.revisesId,
    ]);
  }
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO budget_proposals (author, author_role, inputs, result, total_budget, expected_outcome, revises_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [
      p.author,
      p.authorRole,
      JSON.stringify(p.inputs),
      JSON.stringify(p.result),
      p.totalBudget,
      p.expectedOutcome,
      p.revisesId,
    ],
  );
  return (rows[0] as { id: number }).id;
}

/** One proposal, locked for update when a decision is about to be written. */
export async function fetchProposal(db: Queryable, id: number, forUpdate = false): Promise<ProposalRow | undefined> {
  const { rows } = await db.query<ProposalRow>(
    `SELECT ${COLUMNS} FROM budget_proposals WHERE id = $1${forUpdate ? " FOR UPDATE" : ""}`,
    [id],
  );
  return rows[0];
}

/** Records an approval or rejection; only a proposal still open can be decided. */
export async function recordDecision(
  db: Queryable,
  d: { id: number; status: "approved" | "rejected"; by: string; role: string; note: string | null },
): Promise<ProposalRow | undefined> {
  const { rows } = await db.query<ProposalRow>(
    `UPDATE budget_proposals
     SET status = $2, decided_by = $3, decided_role = $4, decided_at = now(), decision_note = $5
     WHERE id = $1 AND status = 'proposed'
     RETURNING ${COLUMNS}`,
    [d.id, d.status, d.by, d.role, d.note],
  );
  return rows[0];
}

/** Proposals created or decided in a period (inclusive days in the business time zone), newest first. */
export async function listProposals(
  db: Queryable,
  f: { start: string; end: string; timezone: string; status: string | null; limit: number },
): Promise<ProposalRow[]> {
  const { rows } = await db.query<ProposalRow>(
    `SELECT ${COLUMNS} FROM budget_proposals
     WHERE coalesce(decided_at, created_at) >= ($1::date)::timestamp AT TIME ZONE $3
       AND coalesce(decided_at, created_at) < ($2::date + 1)::timestamp AT TIME ZONE $3
       AND ($4::text IS NULL OR status = $4)
     ORDER BY coalesce(decided_at, created_at) DESC, id DESC
     LIMIT $5`,
    [f.start, f.end, f.timezone, f.status, f.limit],
  );
  return rows;
}
