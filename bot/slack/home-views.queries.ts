import type { Queryable } from "../../db/pool.ts";

/** A Home view is refreshed on open at most this often per user. */
export const HOME_REFRESH_SECONDS = 60;

/**
 * Claims the right to publish `userId`'s Home view: the claim's number (publishes) when no view was published in the last minute (or
 * `force`, after the user changed something from the tab). One atomic statement, so of several processes handling
 * opens at once exactly one wins. `at` is the clock to use (tests' fake clock); null = the database's clock, which all
 * processes share.
 */
export async function claimHomeRefresh(
  db: Queryable,
  userId: string,
  role: string,
  at: Date | null,
  force = false,
): Promise<number | null> {
  const { rows } = await db.query<{ publishes: number }>(
    `INSERT INTO home_views AS h (user_id, published_at, role)
     VALUES ($1, coalesce($2::timestamptz, now()), $3)
     ON CONFLICT (user_id) DO UPDATE
       SET published_at = EXCLUDED.published_at, role = EXCLUDED.role, publishes = h.publishes + 1
       WHERE $4::boolean OR h.published_at < EXCLUDED.published_at - make_interval(secs => $5)
     RETURNING h.publishes`,
    [userId, at, role, force, HOME_REFRESH_SECONDS],
  );
  return rows[0]?.publishes ?? null;
}

/** How many times the user's view was claimed so far: a later claim means a newer view is (being) published. */
export async function homePublishes(db: Queryable, userId: string): Promise<number | null> {
  const { rows } = await db.query<{ publishes: number }>("SELECT publishes FROM home_views WHERE user_id = $1", [
    userId,
  ]);
  return rows[0]?.publishes ?? null;
}

/** The Slack file id of a chart already uploaded with this content key. */
export async function findHomeChart(db: Queryable, key: string): Promise<string | null> {
  const { rows } = await db.query<{ file_id: string }>("SELECT file_id FROM home_charts WHERE chart_key = $1", [key]);
  return rows[0]?.file_id ?? null;
}

/** Remembers an uploaded chart; a concurrent upload of the same chart keeps the first file. */
export async function saveHomeChart(db: Queryable, key: string, fileId: string): Promise<void> {
  await db.query("INSERT INTO home_charts (chart_key, file_id) VALUES ($1, $2) ON CONFLICT (chart_key) DO NOTHING", [
    key,
    fileId,
  ]);
}
