// `beacon demo`: replaces all marketing data with a deterministic, realistic demo set in one transaction.
// Customers stream through in batches (one COPY per table per batch), so memory stays flat at any size.
import type pg from "pg";
import { type Database, type Queryable, withTransaction } from "../pool.ts";
import { signups } from "./acquisition.ts";
import { applyPlants, planAnomalies } from "./anomalies.ts";
import { suspendConstraints } from "./bulk-load.ts";
import { dayNumber, dayString } from "./calendar.ts";
import { type Customer, generateCustomer } from "./customers.ts";
import { buildFacts } from "./facts.ts";
import { buildPlan, type DemoPlan, ForcedCustomers } from "./plan.ts";
import {
  BatchEncoder,
  COLUMNS,
  encodeCampaigns,
  encodeChannels,
  encodeSpend,
  encodeTickets,
  STREAM_TABLES,
} from "./rows.ts";
import { DEMO_USERS, generateTickets } from "./tickets.ts";

export type { DemoFacts } from "./facts.ts";

export interface DemoOptions {
  customers: number;
  seed: number;
  /** YYYY-MM-DD, last day of data; default: yesterday (UTC). */
  endDate?: string;
  /** Length of the period in months; default 12. */
  months?: number;
  /** Customers per COPY batch; default 2,500. Does not change the data. */
  batchSize?: number;
  onProgress?: (p: { phase: string; done: number; total: number }) => void;
  /**
   * Rebuilds the derived tables from the generated rows, inside the demo's transaction. The caller passes it in
   * (derived/demo.ts passes derived/refresh.ts), so db/ never imports the layers above it.
   */
  refreshDerived?: (client: Queryable) => Promise<void>;
}

export interface DemoSummary {
  customers: number;
  orders: number;
  touchpoints: number;
  adSpendRows: number;
  platformConversions: number;
  npsResponses: number;
  tickets: number;
  channels: number;
  campaigns: number;
  seconds: number;
  rowsPerSecond: number;
}

/**
 * Marketing data the demo replaces. Kept: schema_migrations, kb_*, agent_runs, processed_events, import_log,
 * journey_paths (imported reference data sets) and app_users (demo users are upserted).
 */
export const DEMO_TABLES = [
  "ticket_history",
  "feedback_tickets",
  "nps_responses",
  "platform_conversions",
  "touchpoints",
  "orders",
  "ad_spend_daily",
  // Not generated, but it references channels: TRUNCATE ... CASCADE would empty it anyway, so say so (demo guard).
  "web_sessions",
  "channel_aliases",
  "customers",
  "campaigns",
  "channels",
  "dataset_facts",
] as const;

const IDENTITY_TABLES = [
  "channels",
  "campaigns",
  "customers",
  "orders",
  "touchpoints",
  "platform_conversions",
  "nps_responses",
  "feedback_tickets",
  "ticket_history",
] as const;

const MAX_CUSTOMERS = 10_000_000;
// Generation yields to the event loop this often, so the previous batch's COPY keeps flowing meanwhile.
const YIELD_EVERY = 250;

/** Checks options and fills defaults. */
export function resolveOptions(options: DemoOptions): Required<Omit<DemoOptions, "onProgress" | "refreshDerived">> {
  const { customers, seed } = options;
  if (!Number.isInteger(customers) || customers < 1 || customers > MAX_CUSTOMERS) {
    throw new RangeError(`customers must be an integer between 1 and ${MAX_CUSTOMERS}, got ${customers}`);
  }
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative integer, got ${seed}`);
  const months = options.months ?? 12;
  if (!Number.isInteger(months) || months < 1 || months > 60) {
    throw new RangeError(`months must be 1-60, got ${months}`);
  }
  const batchSize = options.batchSize ?? 2_500;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer`);
  const endDate = options.endDate ?? dayString(Math.floor(Date.now() / 86_400_000) - 1);
  dayNumber(endDate); // throws on anything but a real YYYY-MM-DD date
  return { customers, seed, months, batchSize, endDate };
}

/** Replaces the marketing data with a generated demo set (one transaction) and returns what was written. */
export async function generateDemo(db: Database, options: DemoOptions): Promise<DemoSummary> {
  const started = performance.now();
  const resolved = resolveOptions(options);
  const progress = options.onProgress ?? (() => undefined);
  progress({ phase: "plan", done: 0, total: 1 });
  const plan = buildPlan(resolved);
  // Known anomalies for the anomaly scan to find (db/demo/anomalies.ts), applied before any row is written.
  const plants = planAnomalies(plan.period, plan.channels, plan.spend);
  applyPlants(plan, plants);
  progress({ phase: "plan", done: 1, total: 1 });

  const counts = await withTransaction(db.pool, async (client) => {
    await client.query(`TRUNCATE ${DEMO_TABLES.join(", ")} RESTART IDENTITY CASCADE`);
    const restoreConstraints = await suspendConstraints(
      client,
      DEMO_TABLES.filter((t) => t !== "dataset_facts"),
    );
    await db.copyText(client, "channels", COLUMNS.channels, encodeChannels(plan.channels, plan.channelsCreatedTs));
    await db.copyText(client, "campaigns", COLUMNS.campaigns, encodeCampaigns(plan.spend.campaigns));
    await db.copyText(client, "ad_spend_daily", COLUMNS.ad_spend_daily, encodeSpend(plan.spend.rows));

    const { encoder, forced } = await streamCustomers(db, client, plan, resolved.batchSize, progress);

    const { tickets, history } = generateTickets(
      plan.seed,
      plan.period,
      plan.channels,
      encoder.ticketSubjects,
      plan.unknownTickets,
      plants.tickets,
    );
    const [ticketText, historyText] = encodeTickets(tickets, history);
    await db.copyText(client, "feedback_tickets", COLUMNS.feedback_tickets, ticketText);
    await db.copyText(client, "ticket_history", COLUMNS.ticket_history, historyText);
    progress({ phase: "indexes", done: 0, total: 1 });
    await restoreConstraints();
    progress({ phase: "indexes", done: 1, total: 1 });
    if (options.refreshDerived) {
      progress({ phase: "derived", done: 0, total: 1 });
      await options.refreshDerived(client);
      progress({ phase: "derived", done: 1, total: 1 });
    }

    for (const u of DEMO_USERS) {
      // Upsert, not truncate: real role assignments made by an admin survive a demo reload.
      await client.query(
        `INSERT INTO app_users (slack_user_id, display_name, role, can_see_pii) VALUES ($1, $2, $3, $4)
         ON CONFLICT (slack_user_id) DO UPDATE SET display_name = EXCLUDED.display_name, role = EXCLUDED.role,
           can_see_pii = EXCLUDED.can_see_pii`,
        [u.slackUserId, u.displayName, u.role, u.canSeePii],
      );
    }
    const facts = buildFacts(plan, encoder.stats, forced.placed, new Date().toISOString(), plants.anomalies);
    await client.query("INSERT INTO dataset_facts (key, value) VALUES ('demo', $1)", [JSON.stringify(facts)]);
    for (const table of IDENTITY_TABLES) {
      await client.query(
        `SELECT setval(pg_get_serial_sequence('${table}', 'id'), COALESCE((SELECT max(id) FROM ${table}), 0) + 1, false)`,
      );
    }
    return { stats: encoder.stats, tickets: tickets.length, history: history.length };
  });

  progress({ phase: "analyze", done: 0, total: 1 });
  // Fresh statistics so the first analytics queries get good plans; outside the transaction (it is advisory).
  // The derived tables are analysed by whoever refreshed them (derived/demo.ts).
  await db.pool.query(`ANALYZE ${[...DEMO_TABLES, "app_users"].join(", ")}`);
  progress({ phase: "analyze", done: 1, total: 1 });

  const { stats } = counts;
  const seconds = (performance.now() - started) / 1000;
  const rows =
    plan.channels.length +
    plan.spend.campaigns.length +
    plan.spend.rows.length +
    stats.customers +
    stats.orders +
    stats.touchpoints +
    stats.claims +
    stats.nps +
    counts.tickets +
    counts.history;
  return {
    customers: stats.customers,
    orders: stats.orders,
    touchpoints: stats.touchpoints,
    adSpendRows: plan.spend.rows.length,
    platformConversions: stats.claims,
    npsResponses: stats.nps,
    tickets: counts.tickets,
    channels: plan.channels.length,
    campaigns: plan.spend.campaigns.length,
    seconds: Number(seconds.toFixed(3)),
    rowsPerSecond: Math.round(rows / seconds),
  };
}

/**
 * Generates customers in stream order and COPYs them batch by batch. While batch k is being written, batch k+1
 * is generated (with regular yields), so on a server the database and Node work in parallel.
 */
async function streamCustomers(
  db: Database,
  client: pg.PoolClient,
  plan: DemoPlan,
  batchSize: number,
  progress: NonNullable<DemoOptions["onProgress"]>,
): Promise<{ encoder: BatchEncoder; forced: ForcedCustomers }> {
  const encoder = new BatchEncoder(plan.channels, plan.claimRules, plan.ticketIndices);
  const forced = new ForcedCustomers(plan.customers, plan.channels);
  let writing: Promise<void> = Promise.resolve();
  let batch: Customer[] = [];
  let done = 0;

  const flush = async () => {
    const text = encoder.encode(batch, forced.placed);
    const size = batch.length;
    batch = [];
    await writing;
    writing = (async () => {
      for (const table of STREAM_TABLES) await db.copyText(client, table, COLUMNS[table], text[table]);
      done += size;
      progress({ phase: "customers", done, total: plan.customers });
    })();
    // Observed later by `await writing`; this only stops an early failure counting as unhandled meanwhile.
    writing.catch(() => undefined);
  };

  for (const s of signups(plan.seed, plan.period, plan.spend, plan.allocation, plan.channels.length)) {
    batch.push(generateCustomer(plan.context, s.index, s.channelIndex, s.ts, forced.next(s.index, s.channelIndex)));
    if (batch.length >= batchSize) await flush();
    else if (batch.length % YIELD_EVERY === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (batch.length > 0) await flush();
  await writing;
  return { encoder, forced };
}
