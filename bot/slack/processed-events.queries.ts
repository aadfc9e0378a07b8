import type { Queryable } from "../../db/pool.ts";

/** Records an incoming delivery; false when the same id was seen before (a retry or a re-delivery). */
export async function claimEvent(db: Queryable, eventId: string, source: string): Promise<boolean> {
  const { rows } = await db.query(
    "INSERT INTO processed_events (event_id, source) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING RETURNING event_id",
    [eventId, source],
  );
  return rows.length > 0;
}
