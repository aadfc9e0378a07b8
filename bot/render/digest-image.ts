// A screenshot-like PNG of a digest message for the docs: the Block Kit blocks drawn as Slack shows them (title,
// text, monospace tables, buttons, context lines) with the digest's first chart below, as SVG rendered by resvg.
// Only for documentation: Slack renders the real message.
import { createRequire } from "node:module";
import { Resvg } from "@resvg/resvg-js";

const require = createRequire(import.meta.url);
const FONT_FILES = [
  require.resolve("@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf"),
  require.resolve("@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf"),
];
const WIDTH = 960;
const LEFT = 76;
const SANS = "Noto Sans SC";
// Tables are code blocks: a system monospace font when there is one (DejaVu Sans Mono), else the sans font.
const MONO = "DejaVu Sans Mono, monospace";

type Block = {
  type: string;
  text?: { text: string };
  elements?: { type?: string; text?: string | { text: string } }[];
};

interface Line {
  text: string;
  font: "sans" | "bold" | "mono" | "small";
}

/** The PNG of a digest: `blocks` as posted, `chart` (a PNG from renderChartPng) as its thread attachment. */
export function digestImagePng(blocks: readonly Block[], chart: Buffer | null, postedAt: string): Buffer {
  const parts: string[] = [];
  let y = 56;
  const push = (line: Line) => {
    const size = line.font === "small" ? 13 : line.font === "mono" ? 12.5 : 15;
    const family = line.font === "mono" ? MONO : SANS;
    const weight = line.font === "bold" ? 700 : 400;
    const fill = line.font === "small" ? "#616061" : "#1d1c1d";
    parts.push(
      `<text x="${LEFT}" y="${y}" font-family="${family}" font-size="${size}" font-weight="${weight}" fill="${fill}" xml:space="preserve">${xml(line.text)}</text>`,
    );
    y += line.font === "mono" ? 17 : line.font === "small" ? 19 : 22;
  };
  for (const block of blocks) {
    if (block.type === "section" && block.text) {
      for (const line of sectionLines(block.text.text)) push(line);
      y += 8;
    } else if (block.type === "context") {
      const text = (block.elements ?? []).map((e) => (typeof e.text === "string" ? e.text : "")).join(" ");
      for (const line of wrap(plain(text), 120)) push({ text: line, font: "small" });
      y += 6;
    } else if (block.type === "actions") {
      let x = LEFT;
      for (const element of block.elements ?? []) {
        const label = typeof element.text === "object" ? element.text.text : "";
        const width = Math.round(label.length * 8.4 + 28);
        parts.push(
          `<rect x="${x}" y="${y - 4}" width="${width}" height="32" rx="5" fill="#ffffff" stroke="#bbbbbb"/>`,
          `<text x="${x + width / 2}" y="${y + 17}" text-anchor="middle" font-family="${SANS}" font-size="14" font-weight="700" fill="#1d1c1d">${xml(label)}</text>`,
        );
        x += width + 10;
      }
      y += 44;
    }
  }
  let chartPart = "";
  if (chart) {
    y += 6;
    parts.push(
      `<text x="${LEFT}" y="${y}" font-family="${SANS}" font-size="13" fill="#1264a3">1 reply · chart in the thread</text>`,
    );
    y += 14;
    const width = 640;
    const height = 360;
    chartPart = `<rect x="${LEFT}" y="${y}" width="${width}" height="${height}" fill="#fff" stroke="#dddddd"/><image x="${LEFT}" y="${y}" width="${width}" height="${height}" href="data:image/png;base64,${chart.toString("base64")}"/>`;
    y += height + 16;
  }
  const height = y + 16;
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<rect x="20" y="20" width="40" height="40" rx="6" fill="#4a154b"/>`,
    `<text x="40" y="47" text-anchor="middle" font-family="${SANS}" font-size="20" font-weight="700" fill="#fff">B</text>`,
    `<text x="${LEFT}" y="34" font-family="${SANS}" font-size="15" font-weight="700" fill="#1d1c1d">Beacon <tspan font-size="11" fill="#616061" font-weight="400">APP  ${xml(postedAt)}</tspan></text>`,
    ...parts,
    chartPart,
    "</svg>",
  ].join("");
  const resvg = new Resvg(svg, {
    font: { fontFiles: FONT_FILES, loadSystemFonts: true, defaultFontFamily: SANS },
    background: "white",
  });
  return Buffer.from(resvg.render().asPng());
}

/** A section's mrkdwn as lines: code blocks monospace, a *bold* first line bold, the rest wrapped. */
function sectionLines(mrkdwn: string): Line[] {
  const lines: Line[] = [];
  const pieces = mrkdwn.split("```");
  pieces.forEach((piece, index) => {
    if (index % 2 === 1) {
      for (const row of piece.split("\n")) lines.push({ text: unescapeEntities(row), font: "mono" });
      return;
    }
    for (const raw of piece.split("\n")) {
      if (raw.trim() === "") continue;
      const bold = /^\*[^*]+\*/.test(raw.trim());
      for (const line of wrap(plain(raw), bold ? 100 : 110)) lines.push({ text: line, font: bold ? "bold" : "sans" });
    }
  });
  return lines;
}

const unescapeEntities = (text: string) => text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/** Slack mrkdwn to what a reader sees: no * _ markers, channel and user escapes by name, emoji codes dropped. */
function plain(text: string): string {
  return unescapeEntities(
    text
      .replace(/<#[A-Z0-9]+\|([^>]+)>/g, "#$1")
      .replace(/<#([A-Z0-9]+)>/g, "#$1")
      .replace(/<@([A-Z0-9]+)>/g, "@$1")
      .replace(/:[a-z_]+:\s?/g, "")
      .replace(/(^|\s)[*_]|[*_](\s|$|[.,;:)])/g, "$1$2")
      .replace(/`/g, ""),
  );
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + word.length + 1 > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}

const xml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
