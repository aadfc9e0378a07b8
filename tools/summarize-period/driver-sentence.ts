// The sentence that says why a metric moved, written from the decomposition's numbers only ("ROAS on douyin_ads
// fell 18.0%: CPC rose 40.0% (−0.52) while CVR held"), so the slash command and a model-less digest say the same as
// the analyst would, and no number in it is invented.
import { formatPercent } from "../number-format.ts";
import type { Decomposition, Term } from "./decomposition.model.ts";

/** A factor whose own change is smaller than this "held". */
export const HELD_BELOW = 0.02;

const LABELS: Record<string, string> = {
  spend: "spend",
  clicks_per_spend: "CPC",
  cvr: "CVR",
  aov: "AOV",
  orders: "orders",
  clicks: "clicks",
  new_per_click: "new customers per click",
  new_share: "new-customer share",
};

/** How people name a factor: clicks per spend is read as its inverse, CPC. */
export function factorLabel(name: string): string {
  return LABELS[name] ?? name;
}

/**
 * The factor's own relative change as people read it (CPC for clicks per spend, so a term that lowered revenue reads
 * "CPC rose"); null when it started from zero.
 */
export function factorChange(term: Pick<Term, "name" | "previous" | "current">): number | null {
  const [a, b] =
    term.name === "clicks_per_spend" ? [1 / term.previous, 1 / term.current] : [term.previous, term.current];
  if (!Number.isFinite(a) || !Number.isFinite(b) || a === 0) return null;
  return b / a - 1;
}

const verb = (x: number) => (x > 0 ? "rose" : "fell");

function movement(change: number | null, previous: number): string {
  if (change === null) return previous === 0 ? "rose from 0" : "changed";
  return `${verb(change)} ${formatPercent(Math.abs(change))}`;
}

/**
 * "<subject> fell 18.0% (−0.57): CPC rose 40.0% (−0.52), AOV fell 3.0% (−0.05) while CVR held": the change, the two
 * factors that account for most of it, each with its term formatted by `amount`, then the factors that held.
 */
export function driverSentence(subject: string, d: Decomposition, amount: (x: number) => string): string {
  const total = d.previous === 0 ? null : d.change / Math.abs(d.previous);
  if (d.change === 0 || (total !== null && Math.abs(total) < 1e-9)) return `${subject} held`;
  const lead = `${subject} ${total === null ? "rose from 0" : movement(total, d.previous)} (${amount(d.change)})`;
  const moved = d.terms
    .filter((t) => {
      const c = factorChange(t);
      return (c === null || Math.abs(c) >= HELD_BELOW) && t.contribution !== 0;
    })
    .sort((x, y) => Math.abs(y.contribution) - Math.abs(x.contribution) || x.name.localeCompare(y.name))
    .slice(0, 2);
  const held = d.terms.filter((t) => {
    const c = factorChange(t);
    return c !== null && Math.abs(c) < HELD_BELOW;
  });
  const parts = moved.map(
    (t) => `${factorLabel(t.name)} ${movement(factorChange(t), t.previous)} (${amount(t.contribution)})`,
  );
  const heldText =
    held.length > 0
      ? `${parts.length > 0 ? " while " : ""}${held.map((t) => factorLabel(t.name)).join(" and ")} held`
      : "";
  return `${lead}: ${parts.join(", ")}${heldText}`;
}
