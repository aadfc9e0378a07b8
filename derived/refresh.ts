// The one refresh of derived data: tables and stored facts computed from the raw marketing tables so the tools can
// read them instead of re-scanning. Imports, the demo and `beacon db refresh` all call refreshDerived; each derived
// table is one step below, run in order inside the caller's transaction. To add a derived table, add a step.
import type { ImportWritten } from "../db/import/index.ts";
import { timed } from "../db/import/timings.ts";
import type { Queryable } from "../db/pool.ts";
import { DEFAULT_SCORES_TIMEZONE, refreshCustomerScores } from "./customer-scores.ts";
import { refreshDailyRollups } from "./daily-rollups.ts";
import { refreshJourneyPaths } from "./journey-paths.ts";
import { refreshOrderAttribution } from "./order-attribution.ts";

/** One derived table (or stored fact) and how to bring it up to date. */
export interface DerivedStep {
  /** Shown in import timings and in `beacon db refresh`'s report. */
  name: string;
  /** The tables the step writes, analysed after a bulk load (the demo). */
  tables: readonly string[];
  /**
   * Brings the step's data up to date: everything when `written` is absent (demo, `beacon db refresh`), else after
   * an import, only what those rows can change (or nothing when the entity does not feed this step). Returns a short
   * account for the refresh report (e.g. "1,234 orders"), or nothing.
   */
  refresh(db: Queryable, timezone: string, written?: ImportWritten): Promise<string | undefined>;
}

/** Entities whose rows change which touch closed which order, and the customer scores. */
const ORDER_ENTITIES: ReadonlySet<string> = new Set(["orders", "touchpoints"]);

const orderAttribution: DerivedStep = {
  name: "order_attribution",
  tables: ["order_attribution"],
  async refresh(db, _timezone, written) {
    if (written && !ORDER_ENTITIES.has(written.entity)) return undefined;
    const touched =
      written?.keysTable != null
        ? { table: written.keysTable, ids: written.entity === "orders" ? ("orders" as const) : ("customers" as const) }
        : undefined;
    const rows = await refreshOrderAttribution(db, touched);
    return `${rows.toLocaleString("en-US")} orders' last touches`;
  },
};

const customerScores: DerivedStep = {
  name: "customer scores",
  tables: [],
  async refresh(db, timezone, written) {
    if (written && !ORDER_ENTITIES.has(written.entity)) return undefined;
    await refreshCustomerScores(db, timezone);
    return "the stored CLV model and RFM thresholds";
  },
};

const dailyRollups: DerivedStep = {
  name: "daily rollups",
  tables: ["daily_rollups", "daily_claim_rollups"],
  async refresh(db, timezone, written) {
    // After an import, the days its writes touched (the source tables' triggers noted them), whatever the entity.
    const done = await refreshDailyRollups(db, timezone, written === undefined);
    return done.rebuilt === "all" ? "the daily rollups" : `the daily rollups of ${done.days} days`;
  },
};

/** The steps, in order (customer scores and the daily rollups read order_attribution, so they come after it). */
/** Journey paths for compute_attribution: after an import, only the customers the triggers marked are rebuilt. */
const journeyPaths: DerivedStep = {
  name: "journey paths",
  tables: ["journey_segments", "journey_path_keys"],
  async refresh(db, _timezone, written) {
    if (written && !ORDER_ENTITIES.has(written.entity)) return undefined;
    const result = await refreshJourneyPaths(db, { full: written === undefined });
    return `journey paths (${result.mode}, ${result.customers.toLocaleString("en-US")} customers)`;
  },
};

export const DERIVED_STEPS: readonly DerivedStep[] = [orderAttribution, customerScores, dailyRollups, journeyPaths];

/** Every table a derived step writes. */
export function derivedTables(): string[] {
  return DERIVED_STEPS.flatMap((step) => step.tables);
}

/**
 * Runs every derived step inside the caller's transaction: a full rebuild without `written`, else the incremental
 * update for what an import wrote. Returns each step's account, for the refresh report.
 */
export async function refreshDerived(
  db: Queryable,
  timezone: string = DEFAULT_SCORES_TIMEZONE,
  written?: ImportWritten,
): Promise<string[]> {
  const accounts: string[] = [];
  for (const step of DERIVED_STEPS) {
    const account = await timed(step.name, () => step.refresh(db, timezone, written));
    if (account) accounts.push(account);
  }
  return accounts;
}
