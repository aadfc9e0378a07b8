import { describe, expect, it } from "vitest";
import { chunkDocument, citationId, sentences, splitText, textSize } from "../../knowledge/chunk.ts";
import { parseDocument } from "../../knowledge/document.ts";

describe("parseDocument", () => {
  it("reads front matter", () => {
    const doc = parseDocument(
      "a.md",
      "---\ntitle: Budget rules\nlang: en\ntags: [budget, Finance]\n---\n# Other\ntext",
    );
    expect(doc).toMatchObject({ title: "Budget rules", lang: "en", tags: ["budget", "finance"] });
    expect(doc.body.startsWith("# Other")).toBe(true);
  });

  it("falls back to the first heading, then the file name, and detects Chinese", () => {
    expect(parseDocument("x.md", "# 客户分层\n\n高价值客户是核心。")).toMatchObject({ title: "客户分层", lang: "zh" });
    expect(parseDocument("notes.txt", "plain text with ROAS 与 CAC")).toMatchObject({ title: "notes", lang: "en" });
  });
});

describe("chunkDocument", () => {
  const body = [
    "# Budget rules",
    "Intro line.",
    "## Limits",
    "Never move more than 20% at once.",
    "### Exceptions",
    "Launch weeks are exempt.",
    "```",
    "# not a heading inside code",
    "```",
    "## Approval",
    "A manager approves.",
  ].join("\n");

  it("keeps heading paths without repeating the title and ignores headings in code", () => {
    const chunks = chunkDocument(body, "Budget rules");
    expect(chunks.map((c) => c.headingPath)).toEqual([[], ["Limits"], ["Limits", "Exceptions"], ["Approval"]]);
    expect(chunks.map((c) => c.position)).toEqual([0, 1, 2, 3]);
    expect(chunks[2]?.content).toContain("# not a heading inside code");
  });
});

describe("splitting long text", () => {
  it("splits sentences at Chinese and English punctuation and keeps every character", () => {
    const text = "第一句。第二句！第三句？第四句;English one. Two point 12.5 stays. 「引号。」后面\n下一行";
    const parts = sentences(text);
    expect(parts.join("")).toBe(text);
    expect(parts).toContain("第一句。");
    expect(parts).toContain("Two point 12.5 stays. ");
    expect(parts).toContain("「引号。」");
  });

  it("cuts long Chinese sections at sentence ends, within the limit, with overlap", () => {
    const sentence = "高价值客户需要专属服务和个性化关怀，流失预警要提前九十天启动。";
    const text = sentence.repeat(40);
    const pieces = splitText(text, { maxSize: 300, overlap: 80 });
    expect(pieces.length).toBeGreaterThan(5);
    for (const piece of pieces) {
      expect(textSize(piece)).toBeLessThanOrEqual(300);
      expect(piece.endsWith("。")).toBe(true);
      expect(piece.startsWith("高")).toBe(true);
    }
    // Overlap: the second piece starts with the last sentence of the first.
    expect(pieces[0]?.endsWith(sentence)).toBe(true);
    expect(pieces[1]?.startsWith(sentence)).toBe(true);
  });

  it("never cuts inside a surrogate pair when a sentence has no break at all", () => {
    const text = "😀汉".repeat(500);
    const pieces = splitText(text, { maxSize: 101, overlap: 10 });
    expect(pieces.join("")).toBe(text);
    for (const piece of pieces) {
      expect(piece).not.toMatch(/[\uD800-\uDBFF]$/);
      expect(piece).not.toMatch(/^[\uDC00-\uDFFF]/);
      expect(textSize(piece)).toBeLessThanOrEqual(101);
    }
  });
});

describe("citationId", () => {
  it("depends on path, headings and text, not on position", () => {
    const a = citationId("playbook/budget-rules.md", ["Limits"], "Never move more than 20%.");
    expect(a).toMatch(/^budget-rules#[0-9a-f]{10}$/);
    expect(citationId("playbook/budget-rules.md", ["Limits"], "Never move more than 20%.")).toBe(a);
    expect(citationId("playbook/budget-rules.md", ["Other"], "Never move more than 20%.")).not.toBe(a);
    expect(citationId("playbook/客户分层.md", [], "x")).toMatch(/^客户分层#/);
  });
});
