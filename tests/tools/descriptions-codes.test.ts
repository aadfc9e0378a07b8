// Every channel code a tool description names must exist: the model copies examples verbatim, and query_database
// once offered `douyin, baidu_sem` where the codes are douyin_ads and baidu_search.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { CHANNELS } from "../../db/demo/catalog.ts";
import { TOOLS } from "../../tools/index.ts";
import { CHANNEL_CODE_EXAMPLES } from "../../tools/known-values.ts";
import { CHANNEL_TYPES } from "../../tools/list-channels/list-channels.tool.ts";

const CODES = new Set(CHANNELS.map((c) => c.code));
// A lowercase word sharing a code's first part (douyin, baidu_sem, display) reads as a channel code.
const CODE_HEADS = new Set(CHANNELS.map((c) => c.code.split("_")[0] as string));
// Words with a code's head that are not codes and say so by what they are.
const NOT_CODES = new Set<string>([...CHANNEL_TYPES, "email_open" /* a touchpoint type */]);

/** The texts the model reads for a tool: its description and every description in its input's JSON schema. */
function textsOf(tool: (typeof TOOLS)[number]): string[] {
  const texts = [tool.description];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) for (const v of value) walk(v);
    else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) {
        if (k === "description" && typeof v === "string") texts.push(v);
        else walk(v);
      }
    }
  };
  walk(z.toJSONSchema(tool.input, { io: "input", unrepresentable: "any" }));
  return texts;
}

/** Lowercase words that look like channel codes, as `tool: word`. */
function codeLikeWords(texts: readonly string[]): string[] {
  const words: string[] = [];
  for (const text of texts) {
    for (const [word] of text.matchAll(/(?<![A-Za-z0-9_])[a-z][a-z0-9]*(?:_[a-z0-9]+)*(?![A-Za-z0-9_])/g)) {
      if (CODE_HEADS.has(word.split("_")[0] as string)) words.push(word);
    }
  }
  return words;
}

describe("channel codes in tool descriptions", () => {
  it("names only codes of the demo catalog", () => {
    const invented: string[] = [];
    let checked = 0;
    for (const tool of TOOLS) {
      for (const word of codeLikeWords(textsOf(tool))) {
        checked++;
        if (!CODES.has(word) && !NOT_CODES.has(word)) invented.push(`${tool.name}: ${word}`);
      }
    }
    expect(invented).toEqual([]);
    // The check sees the examples it guards (douyin_ads in several descriptions, the generated query_database ones).
    expect(checked).toBeGreaterThan(5);
  });

  it("finds the codes that do not exist", () => {
    expect(codeLikeWords(["short code, e.g. douyin, baidu_sem; type: display"])).toEqual([
      "douyin",
      "baidu_sem",
      "display",
    ]);
  });

  it("takes query_database's examples from the catalog", () => {
    const description = TOOLS.find((t) => t.name === "query_database")?.description ?? "";
    expect(CHANNEL_CODE_EXAMPLES.length).toBe(2);
    for (const code of CHANNEL_CODE_EXAMPLES) {
      expect(CODES.has(code)).toBe(true);
      expect(description).toContain(code);
    }
    expect(description).toContain(`type: ${CHANNEL_TYPES.join(", ")}`);
  });
});
