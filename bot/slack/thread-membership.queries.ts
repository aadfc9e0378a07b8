import type { Queryable } from "../../db/pool.ts";

/** True when Beacon has answered in this thread: its conversation memory is stored under the thread's key. */
export async function beaconAnsweredInThread(db: Queryable, channel: string, threadTs: string): Promise<boolean> {
  const { rows } = await db.query<{ found: boolean }>(
    "SELECT EXISTS (SELECT 1 FROM agent_threads WHERE thread_key = $1) AS found",
    [`${channel}:${threadTs}`],
  );
  return rows[0]?.found === true;
}
