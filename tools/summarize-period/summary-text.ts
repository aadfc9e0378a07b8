// The summary as text: the result's numbers in sentences, numbers first. The slash command, a digest without a
// model and the console show this text as the answer, so it must read completely on its own.
import { formatChange, formatCount, formatMoney, formatPercent, formatRatio } from "../number-format.ts";
import type { Change } from "./summary.model.ts";

export interface MoverView {
  label: string;
  revenue: Change;
  driver: string;
}

export interface SummaryTextInput {
  view: "manager" | "marketer";
  heading: string;
  note: string | null;
  currency: string;
  headline: Record<string, Change>;
  roasDriver: string | null;
  revenueDriver: string;
  newCustomersDriver: string;
  claimsNote: string | null;
  channelMovers: { up: MoverView[]; down: MoverView[] };
  campaignMovers: { up: MoverView[]; down: MoverView[] };
  tickets: { filed: Change; byPriority: Record<string, number>; openNow: Record<string, number> };
  nps: { value: Change; responses: number };
  proposals: { total: number; rows: { id: number; total_budget: number; created_at: string }[] };
  anomalies: string[] | null;
}

type Kind = "money" | "count" | "ratio" | "rate" | "points";

/** "¥1,234.00 (+5.2%)"; rates change in points ("2.31% (+0.12 pt)"); "–" parts where a value is undefined. */
export function withChange(c: Change, kind: Kind, currency: string): string {
  if (c.current === null) return "n/a";
  const value =
    kind === "money"
      ? formatMoney(c.current, currency)
      : kind === "count"
        ? formatCount(c.current)
        : kind === "rate"
          ? formatPercent(c.current, 2)
          : formatRatio(c.current, kind === "points" ? 1 : 2);
  if (c.previous === null || c.change_absolute === null) return value;
  if (kind === "rate") return `${value} (${signed(c.change_absolute * 100, 2)} pt)`;
  if (kind === "points") return `${value} (${signed(c.change_absolute, 1)})`;
  return c.change === null ? `${value} (from 0)` : `${value} (${formatChange(c.change)})`;
}

const signed = (x: number, decimals: number) => {
  const text = formatRatio(Math.abs(x), decimals);
  return Number(x.toFixed(decimals)) === 0 ? text : `${x > 0 ? "+" : "\u2212"}${text}`;
};

function moverLines(title: string, movers: { up: MoverView[]; down: MoverView[] }): string[] {
  const lines: string[] = [];
  if (movers.up.length > 0) lines.push(`${title} up:`, ...movers.up.map((m) => `  • ${m.driver}`));
  if (movers.down.length > 0) lines.push(`${title} down:`, ...movers.down.map((m) => `  • ${m.driver}`));
  return lines;
}

const priorities = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([p, n]) => `${p} ${formatCount(n)}`)
    .join(", ");

/** The whole summary as lines of text; the manager view stops after the channel movers' top three. */
export function summaryText(s: SummaryTextInput): string {
  const h = s.headline;
  const c = s.currency;
  const get = (k: string) => h[k] as Change;
  const lines = [s.heading];
  if (s.note) lines.push(`Note: ${s.note}`);
  lines.push(
    `Revenue ${withChange(get("revenue"), "money", c)} · Spend ${withChange(get("spend"), "money", c)} · ` +
      `ROAS ${withChange(get("roas"), "ratio", c)}` +
      (get("claimed_roas").current !== null
        ? ` (platforms claim ${formatRatio(get("claimed_roas").current ?? 0)})`
        : ""),
    `Orders ${withChange(get("orders"), "count", c)} · New customers ${withChange(get("new_customers"), "count", c)} · ` +
      `CAC ${withChange(get("cac"), "money", c)}`,
    `Conversion rate ${withChange(get("conversion_rate"), "rate", c)} · AOV ${withChange(get("aov"), "money", c)} · ` +
      `Repeat-purchase rate ${withChange(get("repeat_purchase_rate"), "rate", c)} · ` +
      `NPS ${withChange(s.nps.value, "points", c)} from ${formatCount(s.nps.responses)} responses`,
  );
  lines.push(`Why: ${s.revenueDriver}.`);
  if (s.roasDriver) lines.push(`${s.roasDriver}.`);
  if (s.view === "marketer") lines.push(`${s.newCustomersDriver}.`);
  if (s.claimsNote) lines.push(s.claimsNote);
  lines.push(...moverLines("Channels", s.channelMovers));
  if (s.view === "marketer") lines.push(...moverLines("Campaigns", s.campaignMovers));
  const t = s.tickets;
  lines.push(
    `Tickets filed: ${withChange(t.filed, "count", c)}` +
      (Object.keys(t.byPriority).length > 0 ? ` (${priorities(t.byPriority)})` : "") +
      `; open now ${formatCount(Object.values(t.openNow).reduce((a, b) => a + b, 0))}` +
      (Object.keys(t.openNow).length > 0 ? ` (${priorities(t.openNow)})` : "") +
      ".",
  );
  lines.push(
    s.proposals.total === 0
      ? "Budget proposals waiting for a decision: none."
      : `Budget proposals waiting for a decision: ${s.proposals.total} (${s.proposals.rows
          .slice(0, 3)
          .map((p) => `#${p.id} ${formatMoney(p.total_budget, c)} from ${p.created_at.slice(0, 10)}`)
          .join("; ")}).`,
  );
  if (s.anomalies !== null) {
    lines.push(
      s.anomalies.length === 0
        ? "Anomalies: none found."
        : `Anomalies:\n${s.anomalies.map((a) => `  • ${a}`).join("\n")}`,
    );
  }
  return lines.join("\n");
}
