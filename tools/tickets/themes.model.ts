// Top feedback themes: tickets grouped by embedding similarity (single-pass leader clustering on unit vectors),
// each theme described by its distinctive words and the tickets closest to its centre.
import { cosine } from "./duplicates.model.ts";

/** A ticket joins the most similar theme whose centre is at least this similar; otherwise it starts a new one. */
export const THEME_MIN_SIMILARITY = 0.3;

export interface ThemeItem {
  vector: readonly number[];
  tokens: readonly string[];
}

export interface Theme {
  /** Indices of the member items, closest to the centre first. */
  members: number[];
  /** Words frequent in the theme and rarer elsewhere. */
  terms: string[];
}

function normalise(v: number[]): number[] {
  let sum = 0;
  for (const x of v) sum += x * x;
  if (sum === 0) return v;
  const scale = 1 / Math.sqrt(sum);
  return v.map((x) => x * scale);
}

/**
 * Groups items in input order: each joins the theme whose running centre (mean of members, re-normalised) is most
 * similar, if at least `minSimilarity`; a second pass re-assigns every item to its best final centre, which removes
 * most of the order dependence of a single pass. Themes come back largest first.
 */
export function clusterThemes(items: readonly ThemeItem[], minSimilarity = THEME_MIN_SIMILARITY): Theme[] {
  const sums: number[][] = [];
  const centres: number[][] = [];
  for (const item of items) {
    let best = -1;
    let bestSim = minSimilarity;
    centres.forEach((c, i) => {
      const sim = cosine(item.vector, c);
      if (sim >= bestSim) {
        best = i;
        bestSim = sim;
      }
    });
    if (best < 0) {
      sums.push([...item.vector]);
      centres.push([...item.vector]);
    } else {
      const sum = sums[best] as number[];
      for (let d = 0; d < sum.length; d++) sum[d] = (sum[d] as number) + (item.vector[d] ?? 0);
      centres[best] = normalise([...sum]);
    }
  }
  const groups = centres.map(() => [] as { index: number; sim: number }[]);
  items.forEach((item, index) => {
    let best = -1;
    let bestSim = Number.NEGATIVE_INFINITY;
    centres.forEach((c, i) => {
      const sim = cosine(item.vector, c);
      if (sim > bestSim) {
        best = i;
        bestSim = sim;
      }
    });
    if (best >= 0) (groups[best] as { index: number; sim: number }[]).push({ index, sim: bestSim });
  });
  const documentFrequency = new Map<string, number>();
  for (const item of items)
    for (const t of new Set(item.tokens)) documentFrequency.set(t, (documentFrequency.get(t) ?? 0) + 1);
  return groups
    .filter((g) => g.length > 0)
    .map((g) => ({
      members: g.sort((a, b) => b.sim - a.sim || a.index - b.index).map((m) => m.index),
      terms: distinctiveTerms(
        g.map((m) => (items[m.index] as ThemeItem).tokens),
        documentFrequency,
        items.length,
      ),
    }))
    .sort((a, b) => b.members.length - a.members.length || (a.members[0] ?? 0) - (b.members[0] ?? 0));
}

/** Up to five words shared by at least two members (or the only member), ranked by frequency x rarity elsewhere. */
function distinctiveTerms(docs: readonly (readonly string[])[], df: Map<string, number>, total: number): string[] {
  const inTheme = new Map<string, number>();
  for (const doc of docs) for (const t of new Set(doc)) inTheme.set(t, (inTheme.get(t) ?? 0) + 1);
  const minShare = docs.length === 1 ? 1 : 2;
  return [...inTheme.entries()]
    .filter(([t, n]) => n >= minShare && !/^\d+$/.test(t) && [...t].length > 1)
    .map(([t, n]) => ({ t, score: (n / docs.length) * Math.log((total + 1) / (df.get(t) ?? 1)) }))
    .sort((a, b) => b.score - a.score || a.t.localeCompare(b.t))
    .slice(0, 5)
    .map((x) => x.t);
}
