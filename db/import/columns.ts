// Header matching: finds which file column holds which field, tolerant of case, spacing, punctuation,
// full-width characters and unit suffixes such as "(CNY)" or "（元）".

/** Lower-case letters and digits only (any script), after NFKC: "E-mail" -> "email", "Impr." -> "impr". */
export function normaliseKey(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "");
}

/** The header without bracketed parts, so "Amount spent (CNY)" and "花费(元)" also match "amount spent" and "花费". */
export function withoutBrackets(text: string): string {
  return normaliseKey(text.normalize("NFKC").replace(/[([{][^)\]}]*[)\]}]/g, " "));
}

/** What the matcher needs to know about one field. */
export interface MatchableField {
  name: string;
  aliases: readonly string[];
}

/** The result of matching a header row against an entity's fields. */
export interface HeaderMatch {
  /** field name -> index of the file column that holds it */
  columns: Map<string, number>;
  /** Header texts that matched no field (ignored, and reported). */
  ignored: string[];
  /** Headers that named a field another, better-matching header already provides (ignored, and reported). */
  superseded: { header: string; field: string; usedHeader: string }[];
  /** Header texts that appear twice for the same field with equal rank: the file is ambiguous. */
  conflicts: { field: string; headers: string[] }[];
}

/** Matches headers to fields by name or alias; the earliest alias wins when several headers fit one field. */
export function matchHeader(headers: readonly string[], fields: readonly MatchableField[]): HeaderMatch {
  const lookup = new Map<string, { field: string; rank: number }>();
  for (const field of fields) {
    [field.name, ...field.aliases].forEach((alias, rank) => {
      const key = normaliseKey(alias);
      if (key && !lookup.has(key)) lookup.set(key, { field: field.name, rank });
    });
  }
  const best = new Map<string, { index: number; rank: number; ties: number[] }>();
  const ignored: string[] = [];
  headers.forEach((header, index) => {
    const exact = lookup.get(normaliseKey(header));
    // A bracketed unit is a weaker match than the exact name, so "Cost" beats "Cost (USD)" if both exist.
    const loose = exact ? undefined : lookup.get(withoutBrackets(header));
    const hit = exact ?? (loose && { field: loose.field, rank: loose.rank + 1000 });
    if (!hit) {
      if (header.trim() !== "") ignored.push(header);
      return;
    }
    const current = best.get(hit.field);
    if (!current || hit.rank < current.rank) best.set(hit.field, { index, rank: hit.rank, ties: [] });
    else if (hit.rank === current.rank) current.ties.push(index);
  });
  const columns = new Map<string, number>();
  const superseded: HeaderMatch["superseded"] = [];
  const conflicts: HeaderMatch["conflicts"] = [];
  for (const [field, choice] of best) {
    columns.set(field, choice.index);
    if (choice.ties.length > 0) {
      conflicts.push({ field, headers: [choice.index, ...choice.ties].map((i) => headers[i] ?? "") });
    }
  }
  headers.forEach((header, index) => {
    const key = lookup.get(normaliseKey(header)) ?? lookup.get(withoutBrackets(header));
    if (!key) return;
    const used = columns.get(key.field);
    const isTie = conflicts.some((c) => c.field === key.field);
    if (used !== undefined && used !== index && !isTie) {
      superseded.push({ header, field: key.field, usedHeader: headers[used] ?? "" });
    }
  });
  return { columns, ignored, superseded, conflicts };
}
