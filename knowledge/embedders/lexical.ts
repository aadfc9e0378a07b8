import { searchTokens } from "../segment.ts";
import { type Embedder, l2Normalize } from "./embedder.ts";
import { glossaryConcepts } from "./glossary.ts";

export { toVectorLiteral } from "./embedder.ts";

const DIMS = 512;
// Weight of one occurrence per feature kind; repeated occurrences count sub-linearly (1 + ln tf).
const KIND_WEIGHT: Record<string, number> = { w: 1, b: 0.5, h: 0.3, c: 0.1, t: 0.15, g: 1 };
const HAN = /\p{Script=Han}/u;

/** 32-bit FNV-1a over UTF-16 code units; fast, deterministic, no dependency. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Feature -> count: word unigrams and bigrams, Chinese character bigrams and characters, Latin trigrams. */
export function lexicalFeatures(text: string): Map<string, number> {
  const features = new Map<string, number>();
  const add = (key: string) => features.set(key, (features.get(key) ?? 0) + 1);
  const tokens = searchTokens(text);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    add(`w:${token}`);
    if (i > 0) add(`b:${tokens[i - 1]} ${token}`);
    const chars = Array.from(token);
    if (HAN.test(token)) {
      // Character bigrams and characters let 去重 match 排重规则 even when jieba cuts the two texts differently.
      if (chars.length > 2) for (let c = 0; c + 1 < chars.length; c++) add(`h:${chars[c]}${chars[c + 1]}`);
      if (chars.length > 1) for (const ch of chars) add(`c:${ch}`);
    } else if (chars.length >= 5) {
      const padded = `<${token}>`;
      for (let c = 0; c + 3 <= padded.length; c++) add(`t:${padded.slice(c, c + 3)}`);
    }
  }
  for (const concept of glossaryConcepts(tokens)) add(`g:${concept}`);
  return features;
}

/** Signed feature hashing (the sign keeps collisions from adding up), sub-linear counts, L2 norm. */
export function hashEmbed(text: string, dims = DIMS): number[] {
  const vector = new Array<number>(dims).fill(0);
  for (const [feature, count] of lexicalFeatures(text)) {
    const hash = fnv1a(feature);
    const slot = hash % dims;
    const sign = hash & 0x80000000 ? -1 : 1;
    const weight = KIND_WEIGHT[feature.slice(0, 1)] ?? 0;
    vector[slot] = (vector[slot] as number) + sign * weight * (1 + Math.log(count));
  }
  return l2Normalize(vector);
}

/** The offline embedder: deterministic hashed lexical features, no download, no network. Not semantic. */
export const lexicalEmbedder: Embedder = {
  model: "beacon-lexical-v1",
  dims: DIMS,
  kind: "lexical",
  async embed(texts: string[]): Promise<number[][]> {
    return texts.map((text) => hashEmbed(text));
  },
};
