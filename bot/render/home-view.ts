import type { types } from "@slack/bolt";
import { registeredFormat } from "../../tools/metric-formats.ts";
import {
  type DisplaySettings,
  formatChange,
  formatCount,
  formatMoney,
  formatValue,
} from "../../tools/number-format.ts";
import type { HomeData, HomeKpi, HomeProposal, HomeTicket, HomeTickets } from "../slack/home-data.ts";
import { ACTIONS } from "./blocks.ts";
import { escapeControl, plainText } from "./escape.ts";

/** Action ids of the one-click question buttons: `home_ask_<n>`, the value is the question's id. */
export const HOME_ASK_ACTION = "home_ask";
/** Slack allows 100 blocks in a Home view; proposals and tickets are cut well before. */
export const HOME_LIMITS = { blocks: 100, proposals: 5, tickets: 5, excerptChars: 90 } as const;

type Block = types.KnownBlock;
export interface HomeTabView {
  type: "home";
  blocks: Block[];
}

export interface HomeRenderOptions {
  settings: DisplaySettings;
  /** The uploaded trend chart (Block Kit image with slack_file); null shows a text sparkline instead. */
  chartFileId: string | null;
  /** Whether free-text answers come from a model (else the buttons give the deterministic numbers). */
  modelConfigured: boolean;
}

const mrkdwn = (text: string) => ({ type: "mrkdwn" as const, text });
const section = (text: string): Block => ({ type: "section", text: mrkdwn(text) });
const context = (text: string): Block => ({ type: "context", elements: [mrkdwn(text)] });
const header = (text: string): Block => ({ type: "header", text: { type: "plain_text", text: plainText(text, 150) } });
const divider: Block = { type: "divider" };

/** The user's Home tab as Block Kit: KPIs with change, trend, role sections, one-click questions. */
export function homeView(data: HomeData, options: HomeRenderOptions): HomeTabView {
  const { settings } = options;
  const blocks: Block[] = [
    header("Beacon: your marketing week"),
    context(
      `Last 7 days *${data.period.start} – ${data.period.end}* vs ${data.period.previous.start} – ${data.period.previous.end}` +
        (data.freshness ? ` · orders up to ${formatValue({ kind: "datetime" }, data.freshness, settings)}` : ""),
    ),
    { type: "section", fields: data.kpis.map((k) => mrkdwn(kpiField(k, settings))) },
    trendBlock(data, options),
  ];
  if (data.proposals !== null) blocks.push(divider, ...proposalBlocks(data.proposals, settings));
  if (data.tickets !== null) blocks.push(divider, ...ticketBlocks(data.tickets, settings));
  blocks.push(divider, ...questionBlocks(data, options.modelConfigured));
  if (data.problems.length > 0) {
    blocks.push(context(`:warning: Part of this view could not be built: ${escapeControl(data.problems.join("; "))}`));
  }
  blocks.push(
    context(
      `Numbers computed ${formatValue({ kind: "datetime" }, data.computedAt.toISOString(), settings)} (${escapeControl(settings.timezone)}) · ` +
        "refreshed when you open this tab, at most once a minute",
    ),
  );
  return { type: "home", blocks: blocks.slice(0, HOME_LIMITS.blocks) };
}

/** The first paint while the week's numbers are computed (or the sentence saying why they could not be). */
export function homeMessageView(message: string): HomeTabView {
  return {
    type: "home",
    blocks: [header("Beacon: your marketing week"), section(escapeControl(message))],
  };
}

/** One KPI: name, value, and its change with the previous value ("▲ +4.5% from ¥118,000.00"). */
export function kpiField(k: HomeKpi, settings: DisplaySettings): string {
  const format = registeredFormat("compute_kpis", k.key) ?? { kind: "number" as const };
  const value =
    k.value === null ? `– _(${escapeControl(k.reason ?? "no value")})_` : formatValue(format, k.value, settings);
  // The arrow follows the change as printed (one decimal of a percent): −0.01% reads "= 0.0%", not "▼ 0.0%".
  const shown = k.change === null ? 0 : Math.round(k.change * 1000);
  const arrow = k.change === null ? "" : shown > 0 ? "▲ " : shown < 0 ? "▼ " : "= ";
  const change =
    k.change !== null
      ? `${arrow}${formatChange(k.change)} from ${formatValue(format, k.previous, settings)}`
      : k.previous === null
        ? "no comparison"
        : `from ${formatValue(format, k.previous, settings)}`;
  return `*${k.label}*\n${value}\n${change}`;
}

const SPARKS = "▁▂▃▄▅▆▇█";

/** Daily values as a one-line bar sparkline (the chart's stand-in until its image is uploaded). */
export function sparkline(values: readonly number[]): string {
  if (values.length === 0) return "";
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min;
  return values.map((v) => SPARKS[span === 0 ? 3 : Math.round(((v - min) / span) * (SPARKS.length - 1))]).join("");
}

function trendBlock(data: HomeData, options: HomeRenderOptions): Block {
  const first = data.trend[0]?.day ?? "";
  const last = data.trend.at(-1)?.day ?? "";
  const title = `Daily revenue ${first} – ${last}`;
  if (options.chartFileId) {
    return {
      type: "image",
      slack_file: { id: options.chartFileId },
      alt_text: plainText(`${title}: line chart of revenue per day`, 2000),
      title: { type: "plain_text", text: plainText(title, 2000) },
    } as Block;
  }
  if (data.trend.length === 0) return section("*Daily revenue*\n_No orders in the last 8 weeks._");
  const values = data.trend.map((t) => t.revenue);
  const money = (v: number) => formatMoney(v, options.settings.currency);
  return section(
    `*${title}*\n\`${sparkline(values)}\`\nlow ${money(Math.min(...values))} · high ${money(Math.max(...values))} a day`,
  );
}

const isSlackUser = (id: string) => /^[UW][A-Z0-9]{2,}$/.test(id);

function proposalBlocks(proposals: readonly HomeProposal[], settings: DisplaySettings): Block[] {
  const blocks: Block[] = [header(`Open budget proposals (${proposals.length})`)];
  if (proposals.length === 0) {
    blocks.push(section("Nothing waiting for a decision. `/beacon budget` proposes a split of the budget."));
    return blocks;
  }
  const money = (v: number) => formatMoney(v, settings.currency);
  for (const p of proposals.slice(0, HOME_LIMITS.proposals)) {
    const author = isSlackUser(p.author) ? `<@${p.author}>` : escapeControl(p.author);
    const split = p.allocation
      .slice(0, 6)
      .map((a) => `${escapeControl(a.channel)} ${money(a.recommended)}`)
      .join(" · ");
    blocks.push(
      section(
        `*Proposal #${p.id}* by ${author}, ${formatValue({ kind: "date" }, p.createdAt, settings)}\n` +
          `Total ${money(p.totalBudget)}, expected outcome ${money(p.expectedOutcome)}` +
          (split ? `\n${split}` : ""),
      ),
      {
        type: "actions",
        block_id: `home_budget_${p.id}`,
        elements: [
          button(`Approve #${p.id}`, ACTIONS.budgetApprove, String(p.id), "primary"),
          button("Adjust", ACTIONS.budgetAdjust, String(p.id)),
          button("Reject", ACTIONS.budgetReject, String(p.id), "danger"),
        ],
      },
    );
  }
  if (proposals.length > HOME_LIMITS.proposals) {
    blocks.push(context(`${proposals.length - HOME_LIMITS.proposals} older open proposal(s): \`/beacon budget list\``));
  }
  return blocks;
}

const ATTENTION: Record<string, string> = {
  follow_up_overdue: "follow-up overdue",
  p1_untouched: "P1 untouched",
};

function ticketLine(t: HomeTicket, settings: DisplaySettings): string {
  const flag = t.attention ? ` · :rotating_light: ${ATTENTION[t.attention] ?? t.attention}` : "";
  const filed = t.createdAt ? ` · filed ${formatValue({ kind: "date" }, t.createdAt, settings)}` : "";
  // Customer-written text: control characters escaped, one line, cut short.
  const body = escapeControl(plainText(t.body, HOME_LIMITS.excerptChars));
  return `• *#${t.id}* ${t.priority} ${t.status.replace(/_/g, " ")} · ${t.category.replace(/_/g, " ")}${filed}${flag}\n   _${body}_`;
}

function ticketBlocks(tickets: HomeTickets, settings: DisplaySettings): Block[] {
  const whose = tickets.scope === "mine" ? "assigned to you" : "all";
  const list = (items: readonly HomeTicket[]) =>
    items
      .slice(0, HOME_LIMITS.tickets)
      .map((t) => ticketLine(t, settings))
      .join("\n");
  const more = (total: number, shown: number) => (total > shown ? `\n_…and ${formatCount(total - shown)} more_` : "");
  const blocks: Block[] = [header(tickets.scope === "mine" ? "Your tickets" : "Tickets")];
  blocks.push(
    section(
      `*Open (${whose}): ${formatCount(tickets.open.total)}*` +
        (tickets.open.items.length > 0 ? `\n${list(tickets.open.items)}` : "\nNone open.") +
        more(tickets.open.total, Math.min(tickets.open.items.length, HOME_LIMITS.tickets)),
    ),
    section(
      `*Needing attention (${whose}): ${formatCount(tickets.attention.total)}*` +
        (tickets.attention.items.length > 0 ? `\n${list(tickets.attention.items)}` : "\nNothing overdue.") +
        more(tickets.attention.total, Math.min(tickets.attention.items.length, HOME_LIMITS.tickets)),
    ),
    context(
      `Team-wide: ${formatCount(tickets.overall.follow_up_overdue)} overdue follow-up(s), ` +
        `${formatCount(tickets.overall.p1_untouched)} untouched P1(s). \`/beacon ask\` or a DM finds more.`,
    ),
  );
  return blocks;
}

function questionBlocks(data: HomeData, modelConfigured: boolean): Block[] {
  return [
    header("Ask Beacon"),
    {
      type: "actions",
      block_id: "home_questions",
      elements: data.questions.map((q, i) => ({
        type: "button",
        action_id: `${HOME_ASK_ACTION}_${i}`,
        text: { type: "plain_text", text: plainText(q.label, 75) },
        value: q.id,
      })),
    },
    context(
      modelConfigured
        ? "The answer arrives in your Messages tab with Beacon; ask anything else there."
        : "The numbers arrive in your Messages tab with Beacon. No language model is configured, so each button runs the tool behind its question.",
    ),
  ];
}

function button(text: string, actionId: string, value: string, style?: "primary" | "danger"): types.Button {
  const base: types.Button = { type: "button", action_id: actionId, text: { type: "plain_text", text }, value };
  return style ? { ...base, style } : base;
}
