/**
 * Grounding: every number in an answer must be traceable to a tool result (or to the question itself),
 * allowing rounding, thousands separators, percentages and unit suffixes (k, M, 万, 亿).
 */

/** A number as written in the answer, with the value it stands for and its precision. */
export interface NumberMention {
  text: string;
  value: number;
  /** Half of the last shown digit's place value in the unit written (e.g. 1.2M -> 0.05M). */
  tolerance: number;
  percent: boolean;
}

const UNIT_SCALE: Record<string, number> = { k: 1e3, K: 1e3, m: 1e6, M: 1e6, b: 1e9, B: 1e9, 万: 1e4, 亿: 1e8 };

// A number with optional sign/currency, thousands separators, decimals, unit and percent sign.
const NUMBER_PATTERN =
  /(?<![\w.])[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s?(?:[kKmMbB](?![a-zA-Z])|万|亿))?\s?%?/g;

/** Finds the numbers in an answer, skipping dates, times, ids and list markers. */
export function extractNumbers(text: string): NumberMention[] {
  const cleaned = text
    .replace(/\b\d{4}-\d{2}-\d{2}\b/g, " ") // dates are periods, checked against arguments elsewhere
    .replace(/\b\d{4}-\d{2}\b/g, " ")
    .replace(/\b\d{1,2}:\d{2}(?::\d{2})?\b/g, " ")
    .replace(/\b(?:Q[1-4]|P[1-4]|H[12]|W\d{1,2}|FY\d{2,4})\b/gi, " ")
    .replace(/\[\^?[\w:-]+\]/g, " ") // citation markers
    .replace(/^\s*\d+[.)]\s/gm, " ") // numbered list markers
    .replace(/#\d+/g, " ");
  const mentions: NumberMention[] = [];
  for (const match of cleaned.matchAll(NUMBER_PATTERN)) {
    const raw = match[0].trim();
    const percent = raw.endsWith("%");
    const unit = raw
      .replace(/%$/, "")
      .trim()
      .match(/(万|亿|[kKmMbB])$/)?.[1];
    const numeric = raw
      .replace(/%$/, "")
      .replace(/(万|亿|[kKmMbB])$/, "")
      .trim()
      .replace(/,/g, "")
      .replace("−", "-");
    const value = Number(numeric);
    if (!Number.isFinite(value)) continue;
    const decimals = numeric.includes(".") ? (numeric.split(".")[1]?.length ?? 0) : 0;
    const scale = unit ? (UNIT_SCALE[unit] ?? 1) : 1;
    mentions.push({ text: raw, value: value * scale, tolerance: 0.5 * 10 ** -decimals * scale, percent });
  }
  return mentions;
}

/** Every number a tool result, argument or the question contains (strings are scanned too). */
export function collectFacts(sources: unknown[]): number[] {
  const facts: number[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === "number" && Number.isFinite(value)) facts.push(value);
    else if (typeof value === "string") for (const m of extractNumbers(value)) facts.push(m.value);
    else if (Array.isArray(value)) {
      facts.push(value.length);
      for (const item of value) visit(item);
    } else if (value && typeof value === "object") for (const child of Object.values(value)) visit(child);
  };
  for (const source of sources) visit(source);
  return facts;
}

/** Where facts came from: "question", a tool's name, or "calculate", and the numbers it holds. */
export interface FactSource {
  source: string;
  facts: number[];
}

/** The facts of a run by source: the question, then each tool call's arguments and result. */
export function factsBySource(
  question: string,
  results: readonly { tool: string; args: unknown; result: unknown }[],
): FactSource[] {
  return [
    { source: "question", facts: collectFacts([question]) },
    ...results.map((r) => ({ source: r.tool, facts: collectFacts([r.args, r.result]) })),
  ];
}

/** Small counts ("3 channels", "top 5") and calendar numbers need no source. */
function isSelfEvident(mention: NumberMention): boolean {
  return !mention.percent && Number.isInteger(mention.value) && mention.value >= 0 && mention.value <= 12;
}

/** True when `mention` is `fact` as displayed: rounded, or as a percentage of a ratio (and back). */
export function matches(mention: NumberMention, fact: number): boolean {
  const candidates = mention.percent ? [fact, fact * 100] : [fact, fact * 100, Math.abs(fact)];
  const tolerance = mention.tolerance + 1e-9 * Math.abs(mention.value);
  return candidates.some((c) => Math.abs(c - mention.value) <= tolerance || Math.abs(-c - mention.value) <= tolerance);
}

/** The numbers of `text` that no fact supports. */
export function findUntraceable(text: string, facts: number[]): string[] {
  const sorted = [...new Set(facts)].sort((a, b) => a - b);
  const untraceable: string[] = [];
  for (const mention of extractNumbers(text)) {
    if (isSelfEvident(mention)) continue;
    if (!sorted.some((fact) => matches(mention, fact))) untraceable.push(mention.text);
  }
  return [...new Set(untraceable)];
}

/** Marks each untraceable number in the text so readers know it is not backed by data. */
export function markUntraceable(text: string, untraceable: string[]): string {
  let marked = text;
  for (const number of untraceable) {
    marked = marked.split(number).join(`${number} [unverified]`);
  }
  return marked;
}
