import { Jieba } from "@node-rs/jieba";
import { dict } from "@node-rs/jieba/dict.js";

let jieba: Jieba | undefined;

// Loading the dictionary takes ~0.3 s, so only processes that segment Chinese pay for it.
function segmenter(): Jieba {
  jieba ??= Jieba.withDict(dict);
  return jieba;
}

const HAN_RUN = /[\p{Script=Han}]+/gu;
const LATIN_WORD = /[\p{L}\p{N}]+(?:[.'’][\p{L}\p{N}]+)*/gu;
const HAN_CHAR = /\p{Script=Han}/u;

/** True when the text contains at least one Chinese (Han) character. */
export function hasHan(text: string): boolean {
  return HAN_CHAR.test(text);
}

/** Lower-cased words: Chinese runs segmented with jieba, Latin words and numbers kept, punctuation dropped. */
export function segmentWords(text: string): string[] {
  const words: string[] = [];
  let last = 0;
  const normalized = text.normalize("NFKC");
  for (const match of normalized.matchAll(HAN_RUN)) {
    pushLatin(normalized.slice(last, match.index), words);
    for (const word of segmenter().cut(match[0], true)) if (word.trim()) words.push(word);
    last = match.index + match[0].length;
  }
  pushLatin(normalized.slice(last), words);
  return words;
}

function pushLatin(text: string, out: string[]): void {
  for (const match of text.matchAll(LATIN_WORD)) out.push(match[0].toLowerCase().replace(/[’']/g, "'"));
}

const STOP_WORDS = new Set(
  (
    "a an and are as at be been but by can do does for from has have how i if in into is it its of on or our " +
    "should so that the their then there these this to was we what when where which who why will with you your " +
    "的 了 是 在 和 与 及 或 我们 你们 他们 什么 怎么 如何 哪些 吗 呢 吧 啊 就 都 也 要 会 对 把 被 这 那 这个 那个 一个 之"
  ).split(" "),
);

/** Crude English suffix stripping so "customers"/"customer" and "tiering"/"tier" share a token. */
export function stem(word: string): string {
  if (word.length <= 3 || !/^[a-z]+$/.test(word)) return word;
  if (word.endsWith("ies") && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith("sses")) return word.slice(0, -2);
  for (const suffix of ["ing", "ed"]) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 4) return word.slice(0, -suffix.length);
  }
  if (word.endsWith("s") && !word.endsWith("ss") && !word.endsWith("us") && !word.endsWith("is")) {
    return word.slice(0, -1);
  }
  return word;
}

/** Index and query tokens: segmented words without stop words, English words stemmed. */
export function searchTokens(text: string): string[] {
  return segmentWords(text)
    .filter((word) => !STOP_WORDS.has(word))
    .map(stem);
}
