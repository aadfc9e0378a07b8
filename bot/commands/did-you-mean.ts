/**
 * Edit distance counting a swap of two neighbouring letters as one edit (optimal string alignment), so the
 * commonest typos ("hlep", "segmnet") are one edit away, like a dropped or an extra letter ("kpis").
 */
export function editDistance(a: string, b: string): number {
  // rows[i][j] = distance between the first i letters of a and the first j letters of b.
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    const above = rows[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row[j] = best;
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/**
 * The candidate a mistyped word most likely meant, or null when none is close: one edit for short words, two for
 * words of six letters or more (so "ask" is not "mistaken" for "tools"), or an unambiguous prefix of three letters.
 */
export function closestMatch(word: string, candidates: readonly string[]): string | null {
  const typed = word.toLowerCase();
  if (typed === "" || candidates.includes(typed)) return null;
  const allowed = typed.length >= 6 ? 2 : 1;
  let best: { name: string; distance: number } | null = null;
  for (const name of candidates) {
    const distance = editDistance(typed, name);
    if (distance <= allowed && (!best || distance < best.distance)) best = { name, distance };
  }
  if (best) return best.name;
  const prefixed = typed.length >= 3 ? candidates.filter((name) => name.startsWith(typed)) : [];
  return prefixed.length === 1 ? (prefixed[0] as string) : null;
}
