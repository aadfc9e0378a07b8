import type { Database } from "../../db/pool.ts";
import { addDays, todayIn } from "../../tools/period.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import type { Caller, Role } from "../../tools/tool.ts";
import { type QuickQuestion, questionsFor } from "./home-questions.ts";
import type { SharedHome } from "./home-shared.ts";

export type { HomeKpi } from "./home-shared.ts";

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

/** Everything one user's Home view shows: the shared KPIs and trend, and their own part under their role. */
export interface HomeData extends Omit<SharedHome, "problems"> {
  caller: Caller;
  /** Open budget proposals: managers and admins only (null for other roles). */
  proposals: HomeProposal[] | null;
  /** Open and overdue tickets: support and admins only (null for other roles). */
  tickets: HomeTickets | null;
  questions: QuickQuestion[];
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

/** Runs the user's own tools (proposals, tickets) and joins them to the shared part. */
export async function gatherHome(
  db: Database,
  caller: Caller,
  options: GatherOptions,
  shared: SharedHome,
): Promise<HomeData> {
  const invoke = { caller, timezone: options.timezone, currency: options.currency, now: options.now };
  const today = todayIn({ now: options.now, timezone: options.timezone });
  const problems: string[] = [...shared.problems];
  const run = async (tool: string, args: Record<string, unknown>): Promise<Json | null> => {
    const outcome = await invokeTool(db, tool, args, invoke);
    if (outcome.ok) return outcome.result;
    problems.push(`${tool}: ${outcome.error}`);
    return null;
  };
  const deciding = DECIDERS.includes(caller.role);
  const ticketing = TICKET_ROLES.includes(caller.role);
  const [proposals, mine, attention] = await Promise.all([
    // Open proposals of the last year: an older one is stale enough to be re-proposed rather than approved.
    deciding
      ? run("list_budget_proposals", { status: "proposed", start: addDays(today, -365), end: today, limit: 10 })
      : null,
    ticketing ? run("list_tickets", ticketArgs(caller, { open_only: true })) : null,
    ticketing ? run("list_tickets", ticketArgs(caller, { needs_attention: true })) : null,
  ]);
  return {
    ...shared,
    caller,
    proposals: deciding ? proposalsOf(proposals) : null,
    tickets: ticketing ? ticketsOf(caller, mine, attention) : null,
    questions: questionsFor(caller.role),
    problems,
  };
}

function ticketArgs(caller: Caller, filter: Record<string, unknown>): Record<string, unknown> {
  // Support see the tickets assigned to them; admins oversee everyone's.
  return { ...filter, ...(caller.role === "support" ? { assignee: "me" } : {}), sort: "priority", limit: LIST_LIMIT };
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
