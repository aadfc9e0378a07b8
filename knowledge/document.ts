import { hasHan } from "./segment.ts";

/** The languages of knowledge documents; each has its own HNSW graph per embedding model. */
export const KNOWLEDGE_LANGS = ["en", "zh"] as const;
export type KnowledgeLang = (typeof KNOWLEDGE_LANGS)[number];

/** A knowledge document as read from a file, before chunking. */
export interface ParsedDocument {
  title: string;
  lang: KnowledgeLang;
  tags: string[];
  /** The body without front matter. */
  body: string;
}

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/;

/**
 * Reads optional YAML-like front matter (`title:`, `lang:`, `tags: [a, b]` or `tags: a, b`), else the first `# `
 * heading, else the file name, as the title. Language: front matter, else zh when Han characters are a fifth of
 * the letters.
 */
export function parseDocument(fileName: string, raw: string): ParsedDocument {
  const text = raw.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  const meta: Record<string, string> = {};
  let body = text;
  const fm = FRONT_MATTER.exec(text);
  if (fm) {
    for (const line of (fm[1] as string).split("\n")) {
      const m = /^([A-Za-z_]+)\s*:\s*(.*)$/.exec(line.trim());
      if (m) meta[(m[1] as string).toLowerCase()] = (m[2] as string).trim();
    }
    body = text.slice(fm[0].length);
  }
  const heading = /^#\s+(.+?)\s*#*\s*$/m.exec(body);
  const title = unquote(meta.title ?? "") || heading?.[1]?.trim() || fileName.replace(/\.[^.]+$/, "");
  const tags = (meta.tags ?? "")
    .replace(/^\[|\]$/g, "")
    .split(",")
    .map((t) => unquote(t.trim()).toLowerCase())
    .filter(Boolean);
  const declared = meta.lang?.toLowerCase();
  const lang = declared === "zh" || declared === "en" ? declared : detectLanguage(body);
  return { title, lang, tags, body };
}

function unquote(value: string): string {
  return value.replace(/^["']|["']$/g, "").trim();
}

/** zh when Han characters make up at least a fifth of the letters, else en. */
export function detectLanguage(text: string): KnowledgeLang {
  if (!hasHan(text)) return "en";
  let han = 0;
  let letters = 0;
  for (const ch of text) {
    if (/\p{Script=Han}/u.test(ch)) {
      han++;
      letters++;
    } else if (/\p{L}/u.test(ch)) letters++;
  }
  return han * 5 >= letters ? "zh" : "en";
}
