import { addDays, todayIn } from "../../tools/period.ts";
import type { Role } from "../../tools/tool.ts";

/**
 * A one-click question on the Home tab: the text the analyst is asked, and the tool call that answers it without a
 * model (so the buttons work when no OPENAI_API_KEY is configured). Dates are computed when clicked.
 */
export interface QuickQuestion {
  id: string;
  label: string;
  question: string;
  roles: readonly Role[] | "all";
  fallback(today: string): { tool: string; args: Record<string, unknown> };
}

const QUESTIONS: readonly QuickQuestion[] = [
  {
    id: "channels_7d",
    label: "Channels, last 7 days",
    question: "How did each channel do in the last 7 days compared with the week before?",
    roles: "all",
    fallback: (today) => ({
      tool: "compute_kpis",
      args: { start: addDays(today, -7), end: addDays(today, -1), group_by: ["channel"], compare: "previous_period" },
    }),
  },
  {
    id: "campaigns_30d",
    label: "Top campaigns, 30 days",
    question: "Which campaigns brought the most revenue in the last 30 days, and at what ROAS?",
    roles: "all",
    fallback: () => ({ tool: "compute_kpis", args: { group_by: ["campaign"], limit: 10 } }),
  },
  {
    id: "weekly_trend",
    label: "Weekly revenue trend",
    question: "How has weekly revenue by channel developed over the last 8 weeks?",
    roles: ["marketer", "manager", "admin"],
    fallback: (today) => ({
      tool: "compute_kpis",
      args: { start: addDays(today, -56), end: addDays(today, -1), group_by: ["week"], compare: "none" },
    }),
  },
  {
    id: "proposals",
    label: "Budget decisions, 90 days",
    question: "Which budget proposals were made and decided in the last 90 days?",
    roles: ["manager", "admin"],
    fallback: () => ({ tool: "list_budget_proposals", args: {} }),
  },
  {
    id: "complaints_30d",
    label: "Complaint themes, 30 days",
    question: "What are customers complaining about most in the last 30 days?",
    roles: ["support", "admin", "manager"],
    fallback: (today) => ({ tool: "feedback_insights", args: { start: addDays(today, -30), end: today } }),
  },
];

/** The buttons a role sees (at most five: one actions block). */
export function questionsFor(role: Role): QuickQuestion[] {
  return QUESTIONS.filter((q) => q.roles === "all" || q.roles.includes(role)).slice(0, 5);
}

/** The question behind a button value, or undefined for a value from an older Beacon. */
export function questionById(id: string): QuickQuestion | undefined {
  return QUESTIONS.find((q) => q.id === id);
}

/** The fallback call for a click at `now`. */
export function fallbackCall(
  q: QuickQuestion,
  now: Date,
  timezone: string,
): { tool: string; args: Record<string, unknown> } {
  return q.fallback(todayIn({ now, timezone }));
}
