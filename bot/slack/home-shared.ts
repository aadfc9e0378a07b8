import type { Database } from "../../db/pool.ts";
import { addDays, todayIn } from "../../tools/period.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import type { Caller } from "../../tools/tool.ts";

/** The headline KPIs, in the order the tab shows them; `key` is compute_kpis' name for the number. */
export const HOME_KPIS = [
  { key: "spend", label: "Spend" },
  { key: "revenue", label: "Revenue" },
  { key: "orders", label: "Orders" },
  { key: "new_customers", label: "New customers" },
  { key: "roas", label: "ROAS" },
  { key: "cac_paid", label: "CAC (paid)" },
] as const;
export type HomeKpiKey = (typeof HOME_KPIS)[number]["key"];

/** Days in the KPI window (complete days ending yesterday, as /beacon summary) and in the trend chart. */
export const KPI_DAYS = 7;
export const TREND_DAYS = 56;
/**
 * The company-wide part of every Home view (KPIs and trend) is computed once and shared by all users' views: reused
 * for 5 minutes, then recomputed in the background while views keep showing it for up to an hour (their footer
 * says when the numbers were computed). On the 1M-customer demo it costs about a second; the per-user part is fast.
 */
export const SHARED_FRESH_MS = 5 * 60_000;
export const SHARED_STALE_MS = 60 * 60_000;

export interface HomeKpi {
  key: HomeKpiKey;
  label: string;
  value: number | null;
  previous: number | null;
  /** Relative change vs the previous 7 days; null when the previous value is 0 or missing. */
  change: number | null;
  /** Why the value is missing (e.g. "no spend"), from the tool. */
  reason?: string;
}

/** What every user's view shows alike. */
export interface SharedHome {
  period: { start: string; end: string; previous: { start: string; end: string } };
  kpis: HomeKpi[];
  trend: { day: string; revenue: number }[];
  freshness: string | null;
  problems: string[];
  /** When the numbers were computed (by the clock the bot runs on: tests' fake clock). */
  computedAt: Date;
}

export interface SharedOptions {
  timezone: string;
  currency: string;
  now: Date;
}

// The KPIs are company-wide and hold no personal data: the same for every role, computed as a marketer.
const SYSTEM_CALLER: Caller = { userId: "beacon-home", role: "marketer", canSeePii: false };

interface Entry {
  data?: SharedHome;
  builtAt: number;
  building?: Promise<SharedHome>;
}
const caches = new WeakMap<Database, Map<string, Entry>>();

/**
 * The shared part for today: `ready` when a copy under an hour old exists (a copy over 5 minutes old is recomputed
 * in the background meanwhile), and `pending`, the fresh copy (one computation at a time per process and day).
 */
export function sharedHome(
  db: Database,
  options: SharedOptions,
): { ready: SharedHome | null; pending: Promise<SharedHome> } {
  const key = `${todayIn({ now: options.now, timezone: options.timezone })}|${options.timezone}|${options.currency}`;
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  let entry = cache.get(key);
  if (!entry) {
    // A new day (or setting) makes the older copies useless.
    cache.clear();
    entry = { builtAt: 0 };
    cache.set(key, entry);
  }
  const current = entry;
  const age = current.data ? Date.now() - current.builtAt : Number.POSITIVE_INFINITY;
  if (age >= SHARED_FRESH_MS && !current.building) {
    const building = computeShared(db, options)
      .then((data) => {
        current.data = data;
        current.builtAt = Date.now();
        return data;
      })
      .finally(() => {
        current.building = undefined;
      });
    // A failed background recomputation keeps the older copy; whoever awaits `pending` sees the error.
    building.catch(() => undefined);
    current.building = building;
  }
  const ready = current.data && age < SHARED_STALE_MS ? current.data : null;
  const pending =
    age < SHARED_FRESH_MS && current.data ? Promise.resolve(current.data) : (current.building as Promise<SharedHome>);
  return { ready, pending };
}

// biome-ignore lint/suspicious/noExplicitAny: tool results are JSON read field by field.
type Json = any;

/** The 7 days' KPIs with the previous 7 days, and the 8 weeks' revenue by day, through compute_kpis. */
export async function computeShared(db: Database, options: SharedOptions): Promise<SharedHome> {
  const invoke = { caller: SYSTEM_CALLER, timezone: options.timezone, currency: options.currency, now: options.now };
  const today = todayIn({ now: options.now, timezone: options.timezone });
  const end = addDays(today, -1);
  const start = addDays(today, -KPI_DAYS);
  const problems: string[] = [];
  const run = async (args: Record<string, unknown>): Promise<Json | null> => {
    const outcome = await invokeTool(db, "compute_kpis", args, invoke);
    if (outcome.ok) return outcome.result;
    problems.push(`compute_kpis: ${outcome.error}`);
    return null;
  };
  const [kpis, trend] = await Promise.all([
    run({ start, end, group_by: [], compare: "previous_period" }),
    run({ start: addDays(today, -TREND_DAYS), end, group_by: ["day"], compare: "none", limit: TREND_DAYS }),
  ]);
  return {
    period: { start, end, previous: { start: addDays(start, -KPI_DAYS), end: addDays(start, -1) } },
    kpis: kpisOf(kpis),
    trend: ((trend?.rows ?? []) as Json[])
      .map((r) => ({ day: String(r.key?.day ?? ""), revenue: Number(r.revenue ?? 0) }))
      .filter((r) => r.day !== ""),
    freshness: (kpis?.data_freshness?.last_order_at as string | undefined) ?? null,
    problems,
    computedAt: options.now,
  };
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

function kpisOf(result: Json | null): HomeKpi[] {
  const totals = result?.totals ?? {};
  return HOME_KPIS.map(({ key, label }) => {
    const raw = totals[key];
    const reason = typeof raw?.reason === "string" ? raw.reason : undefined;
    return {
      key,
      label,
      value: num(raw),
      previous: num(totals.previous?.[key]),
      change: num(totals.change?.[key]),
      ...(reason ? { reason } : {}),
    };
  });
}
