import { CHANNELS } from "../db/demo/catalog.ts";
import type { Queryable } from "../db/pool.ts";
import { ToolInputError } from "./tool.ts";

/**
 * Channel codes quoted as examples in tool descriptions, taken from the demo catalog so an example is never a code
 * that does not exist (the model copies examples verbatim). A test checks every description against the catalog.
 */
export const CHANNEL_CODE_EXAMPLES: readonly string[] = CHANNELS.filter((c) => c.isPaid && c.lang === "zh")
  .slice(0, 2)
  .map((c) => c.code);

/**
 * The id of a channel code a user gave in `field`; an unknown code is an input error that lists the known ones.
 * One place for the check every tool's channel filter needs.
 */
export async function channelIdFor(db: Queryable, field: string, code: string): Promise<number> {
  const { rows } = await db.query<{ code: string; id: number }>("SELECT code, id FROM channels ORDER BY code");
  const found = rows.find((r) => r.code === code);
  if (!found) {
    throw new ToolInputError(
      `${field}: unknown channel code "${code}"; known: ${rows.map((r) => r.code).join(", ") || "none"}`,
    );
  }
  return found.id;
}

/** Checks a region filter against the customers' regions; an unknown one is an input error listing the known ones. */
export async function assertKnownRegion(db: Queryable, field: string, region: string): Promise<void> {
  const { rows } = await db.query<{ region: string }>(
    "SELECT DISTINCT region FROM customers WHERE region IS NOT NULL ORDER BY 1",
  );
  if (!rows.some((r) => r.region === region)) {
    throw new ToolInputError(
      `${field}: unknown region "${region}"; known: ${rows.map((r) => r.region).join(", ") || "none"}`,
    );
  }
}
