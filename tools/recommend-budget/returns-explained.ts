// Why a channel's marginal ROAS (what the next unit of spend returns) can sit far below its average, attributed
// ROAS: users compare the two and suspect an error, so each channel gets the reason in one plain sentence.
import { formatMoney, formatRatio } from "../number-format.ts";

/** The parts of a recommendation row the explanation reads. */
export interface ReturnsRow {
  channel: string;
  status: "fitted" | "held";
  current: number;
  average_roas_current?: number | null;
  marginal_roas_current?: number;
}

/** Below this share of the average, the gap is large enough to call diminishing returns out by name. */
const STEEP_DROP = 0.5;

/** One sentence per fitted channel: its average vs marginal return at the current budget, and why they differ. */
export function returnsExplained(rows: readonly ReturnsRow[], currency: string): string[] {
  const sentences: string[] = [];
  for (const row of rows) {
    const average = row.average_roas_current;
    const marginal = row.marginal_roas_current;
    if (row.status !== "fitted" || average === null || average === undefined || marginal === undefined) continue;
    const opening =
      `${row.channel}: each unit spent in the last 4 weeks brought ${formatRatio(average)} on average (attributed ROAS); ` +
      `the next unit at the current budget of ${formatMoney(row.current, currency)} brings about ${formatRatio(marginal)} (marginal ROAS)`;
    if (marginal < average * STEEP_DROP) {
      sentences.push(
        `${opening}. Its fitted response curve flattens as spend grows (diminishing returns): the easiest sales are ` +
          "already bought, so extra budget earns far less than the average suggests, and the optimiser compares channels by the marginal figure.",
      );
    } else if (marginal <= average) {
      sentences.push(
        `${opening}. The fitted response curve flattens as spend grows (diminishing returns), though less steeply here, so extra budget earns somewhat less than the average.`,
      );
    } else {
      sentences.push(
        `${opening}. The curve is still getting steeper at this spend (the early part of an S-shaped response), so the next unit earns more than the average so far.`,
      );
    }
  }
  return sentences;
}
