import { createRequire } from "node:module";
import { Resvg } from "@resvg/resvg-js";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { ChartSpec } from "./charts.ts";

// A CJK-covering font from a package, so 中文 labels render the same on every machine, without system fonts.
const FONT_FILES = [
  createRequire(import.meta.url).resolve("@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf"),
  createRequire(import.meta.url).resolve("@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf"),
];
export const CHART_SCALE = 2;

/** Vega-Lite -> SVG (vega's headless renderer, no browser, no network) -> PNG (resvg). */
export async function renderChartPng(chart: ChartSpec): Promise<Buffer> {
  const compiled = compile(chart.spec as unknown as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    const svg = await view.toSVG(CHART_SCALE);
    const resvg = new Resvg(svg, {
      font: { fontFiles: FONT_FILES, loadSystemFonts: false, defaultFontFamily: "Noto Sans SC" },
      background: "white",
    });
    return Buffer.from(resvg.render().asPng());
  } finally {
    view.finalize();
  }
}
