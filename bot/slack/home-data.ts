import type { Database } from "../../db/pool.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import { addDays, todayIn } from "../../tools/period.ts";
import type { Caller, Role } from "../../tools/tool.ts";
import { type QuickQuestion, questionsFor } from "./home-questions.ts";

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

export interface HomeProposal {
  id: number;
  author: string;
  createdAt: string;
  totalBudget: number;
  expectedOutcome: number;
  allocation: { channel: string; recommended: number }[];
}

export interface HomeTicket {
  id: number;
  priority: string;
  status: string;
  category: string;
  body: string;
  createdAt: string | null;
  followUpDue: string | null;
  /** follow_up_overdue or p1_untouched, else null. */
  attention: string | null;
}

export interface HomeTickets {
  /** Whose tickets: the caller's (support) or everyone's (admin). */
  scope: "mine" | "all";
  open: { total: number; items: HomeTicket[] };
  attention: { total: number; items: HomeTicket[] };
  /** Team-wide counts the list tool reports whatever the filter. */
  overall: { follow_up_overdue: number; p1_untouched: number };
}

/** Everything one user's Home view shows, gathered with the tools under the user's own role. */
export interface HomeData {
  caller: Caller;
  period: { start: string; end: string; previous: { start: string; end: string } };
  kpis: HomeKpi[];
  trend: { day: string; revenue: number }[];
  /** Open budget proposals: managers and admins only (null for other roles). */
  proposals: HomeProposal[] | null;
  /** Open and overdue tickets: support and admins only (null for other roles). */
  tickets: HomeTickets | null;
  questions: QuickQuestion[];
  freshness: string | null;
  /** Parts that failed, said on the tab instead of the whole view failing. */
  problems: string[];
}

const DECIDERS: readonly Role[] = ["manager", "admin"];
const TICKET_ROLES: readonly Role[] = ["support", "admin"];
const LIST_LIMIT = 5;

export interface GatherOptions {
  timezone: string;
  currency: string;
  now: Date;
}

// biome-ignore lint/suspicious/noExplicitAny: tool results are JSON read field by field.
type Json = any;

/** Runs the tools for `caller`'s view; the parts run side by side on a server pool. */
export async function gatherHome(db: Database, caller: Caller, options: GatherOptions): Promise<HomeData> {
  const invoke = { caller, timezone: options.timezone, currency: options.currency, now: options.now };
  const today = todayIn({ now: options.now, timezone: options.timezone });
  const end = addDays(today, -1);
  const start = addDays(today, -KPI_DAYS);
  const problems: string[] = [];
  const run = async (tool: string, args: Record<string, unknown>): Promise<Json | null> => {
    const outcome = await invokeTool(db, tool, args, invoke);
    if (outcome.ok) return outcome.result;
    problems.push(`${tool}: ${outcome.error}`);
    return null;
  };
  const [kpis, trend, proposals, mine, attention] = await Promise.all([
    run("compute_kpis", { start, end, group_by: [], compare: "previous_period" }),
    run("compute_kpis", {
      start: addDays(today, -TREND_DAYS),
      end,
      group_by: ["day"],
      compare: "none",
      limit: TREND_DAYS,
    }),
    DECIDERS.includes(caller.role)
      ? run("list_budget_proposals", { status: "proposed", start: addDays(today, -365), end: today, limit: 10 })
      : null,
    TICKET_ROLES.includes(caller.role) ? run("list_tickets", ticketArgs(caller, { open_only: true })) : null,
    TICKET_ROLES.includes(caller.role) ? run("list_tickets", ticketArgs(caller, { needs_attention: true })) : null,
  ]);
  return {
    caller,
    period: { start, end, previous: { start: addDays(start, -KPI_DAYS), end: addDays(start, -1) } },
    kpis: kpisOf(kpis),
    trend: ((trend?.rows ?? []) as Json[])
      .map((r) => ({ day: String(r.key?.day ?? ""), revenue: Number(r.revenue ?? 0) }))
      .filter((r) => r.day !== ""),
    proposals: DECIDERS.includes(caller.role) ? proposalsOf(proposals) : null,
    tickets: TICKET_ROLES.includes(caller.role) ? ticketsOf(caller, mine, attention) : null,
    questions: questionsFor(caller.role),
    freshness: (kpis?.data_freshness?.last_order_at as string | undefined) ?? null,
    problems,
  };
}

function ticketArgs(caller: Caller, filter: Record<string, unknown>): Record<string, unknown> {
  // Support see the tickets assigned to them; admins oversee everyone's.
  return { ...filter, ...(caller.role === "support" ? { assignee: "me" } : {}), sort: "priority", limit: LIST_LIMIT };
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

function proposalsOf(result: Json | null): HomeProposal[] {
  return ((result?.rows ?? []) as Json[]).map((r) => ({
    id: Number(r.id),
    author: String(r.author ?? ""),
    createdAt: String(r.created_at ?? ""),
    totalBudget: Number(r.total_budget ?? 0),
    expectedOutcome: Number(r.expected_outcome ?? 0),
    allocation: ((r.allocation ?? []) as Json[]).map((a) => ({
      channel: String(a.channel),
      recommended: Number(a.recommended),
    })),
  }));
}

function ticketOf(t: Json): HomeTicket {
  return {
    id: Number(t.id),
    priority: String(t.priority ?? ""),
    status: String(t.status ?? ""),
    category: String(t.category ?? ""),
    body: String(t.untrusted_body ?? ""),
    createdAt: t.created_at ?? null,
    followUpDue: t.follow_up_due ?? null,
    attention: typeof t.needs_attention === "string" ? t.needs_attention : null,
  };
}

function ticketsOf(caller: Caller, mine: Json | null, attention: Json | null): HomeTickets {
  return {
    scope: caller.role === "support" ? "mine" : "all",
    open: { total: Number(mine?.total ?? 0), items: ((mine?.tickets ?? []) as Json[]).map(ticketOf) },
    attention: { total: Number(attention?.total ?? 0), items: ((attention?.tickets ?? []) as Json[]).map(ticketOf) },
    overall: {
      follow_up_overdue: Number(attention?.needs_attention_overall?.follow_up_overdue ?? 0),
      p1_untouched: Number(attention?.needs_attention_overall?.p1_untouched ?? 0),
    },
  };
}
