import { describe, expect, it } from "vitest";
import { hashEmbed, lexicalEmbedder, toVectorLiteral } from "../../knowledge/embedders/lexical.ts";
import { searchTokens, segmentWords, stem } from "../../knowledge/segment.ts";

describe("segmentWords", () => {
  it("segments Chinese with jieba, keeps Latin words and numbers, drops punctuation", () => {
    expect(segmentWords("我们的投放排重规则是什么?ROAS by Platform, 12.5%")).toEqual([
      "我们",
      "的",
      "投放",
      "排重",
      "规则",
      "是",
      "什么",
      "roas",
      "by",
      "platform",
      "12.5",
    ]);
  });

  it("returns nothing for punctuation and whitespace only", () => {
    expect(segmentWords(" ,。!?——…  ")).toEqual([]);
  });

  it("normalises full-width Latin letters", () => {
    expect(segmentWords("ＲＯＡＳ")).toEqual(["roas"]);
  });
});

describe("searchTokens", () => {
  it("drops stop words and stems English plurals", () => {
    expect(searchTokens("What are the rules for lapsing customers?")).toEqual(["rule", "laps", "customer"]);
    expect(stem("strategies")).toBe("strategy");
    expect(stem("campus")).toBe("campus");
  });
});

describe("lexicalEmbedder", () => {
  it("is deterministic, unit length and has the declared dimension", async () => {
    const [a, b] = await lexicalEmbedder.embed(["高价值客户流失预警", "高价值客户流失预警"]);
    expect(a).toHaveLength(lexicalEmbedder.dims);
    expect(a).toEqual(b);
    const norm = Math.sqrt((a as number[]).reduce((sum, x) => sum + x * x, 0));
    expect(norm).toBeCloseTo(1, 9);
    expect(lexicalEmbedder.kind).toBe("lexical");
  });

  it("scores texts sharing words above unrelated texts", () => {
    const dot = (x: number[], y: number[]) => x.reduce((sum, v, i) => sum + v * (y[i] as number), 0);
    const query = hashEmbed("投放排重规则");
    const related = hashEmbed("跨平台排重:同一订单被多个投放平台同时声明时,只计一次转化。排重规则如下。");
    const unrelated = hashEmbed("Customer tiering by annual spend: VIP, high, mid and low value.");
    expect(dot(query, related)).toBeGreaterThan(dot(query, unrelated) + 0.1);
  });

  it("gives an empty text the zero vector", () => {
    expect(hashEmbed("。。。").every((x) => x === 0)).toBe(true);
  });
});

describe("toVectorLiteral", () => {
  it("formats a pgvector literal", () => {
    expect(toVectorLiteral([0.5, -1, 1 / 3])).toBe("[0.5,-1,0.3333333]");
  });
});
