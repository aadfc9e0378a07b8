import type { ToolResultRecord } from "../../agent/types.ts";
import { type MetricFormat, registeredFormat } from "../../tools/metric-formats.ts";
import { currencySymbol, type DisplaySettings } from "../../tools/number-format.ts";
import { colorFor } from "./colors.ts";

/** A chart worth attaching: a Vega-Lite spec (pure data) and the file name to upload it as. */
export interface ChartSpec {
  kind: "kpi_trend" | "channel_ranking" | "attribution" | "budget" | "segments" | "summary" | "cohort";
  title: string;
  filename: string;
  spec: Record<string, unknown>;
}

/** Logical size; rendered at 2x. Small canvas + large fonts stays readable in Slack's inline preview. */
export const CHART_WIDTH = 640;
export const CHART_HEIGHT = 360;
const MAX_BARS = 12;
const MAX_LINES = 6;
const TIME_DIMS = ["day", "week", "month"];
const SERIES_DIMS = ["channel", "platform", "campaign", "region", "segment"];

type Row = Record<string, unknown>;
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** The charts a set of tool results deserves: time series and rankings only; other results get none. */
export function chartsFor(results: readonly ToolResultRecord[], settings: DisplaySettings): ChartSpec[] {
  const charts: ChartSpec[] = [];
  for (const record of results) {
    const chart = chartFor(record);
    if (chart && !charts.some((c) => c.filename === chart.filename)) charts.push(withNumberLocale(chart, settings));
  }
  return charts.slice(0, 3);
}

// d3-format pattern for an axis of `measure`, from the same registry as tables: "$~s" prints "¥20k".
function axisFormat(tool: string, measure: string): string {
  const format: MetricFormat = registeredFormat(tool, measure) ?? { kind: "number" };
  if (format.kind === "money") return "$~s";
  if (format.kind === "ratio") return `,.${format.decimals ?? 2}f`;
  if (format.kind === "percent") return `.${format.decimals ?? 1}%`;
  return ",~s";
}

// Axis labels print money with the configured currency's symbol (d3-format's "$" comes from the locale).
function withNumberLocale(chart: ChartSpec, settings: DisplaySettings): ChartSpec {
  const config = chart.spec.config as Record<string, unknown>;
  const number = { decimal: ".", thousands: ",", grouping: [3], currency: [currencySymbol(settings.currency), ""] };
  return { ...chart, spec: { ...chart.spec, config: { ...config, locale: { number } } } };
}

function chartFor({ tool, result }: ToolResultRecord): ChartSpec | null {
  if (!result || typeof result !== "object") return null;
  const r = result as Row;
  const rows = Array.isArray(r.rows) ? (r.rows as Row[]) : [];
  if (rows.length === 0) return null;
  if (tool === "compute_kpis") return kpiChart(r, rows);
  if (tool === "compute_attribution") return attributionChart(r, rows);
  if (tool === "recommend_budget") return budgetChart(rows);
  if (tool === "summarize_period") return summaryChart(rows);
  if (tool === "cohort_retention") return cohortHeatmap(r, rows);
  if (tool === "segment_customers") {
    const data = rows
      .map((row) => ({ label: String(row.segment ?? ""), value: num(row.revenue) }))
      .filter((d) => d.value !== null);
    const title = `Revenue by ${String(r.dimension ?? "segment")}`;
    return bar("segments", title, "revenue", data, false, axisFormat(tool, "revenue"));
  }
  return null;
}

/** The cohort triangle as a heat map: cohorts down, periods since acquisition across, retention as colour. */
function cohortHeatmap(r: Row, rows: Row[]): ChartSpec | null {
  if (r.split_by) return null; // one triangle per group does not fit one chart
  const unit = String(r.granularity ?? "month");
  const data = rows.flatMap((row) =>
    Object.entries(row)
      .filter(([key, value]) => key.startsWith(`${unit}_`) && num(value) !== null)
      .map(([key, value]) => ({ cohort: String(row.cohort), k: Number(key.slice(unit.length + 1)), value })),
  );
  if (data.length < 2) return null;
  const title = `Retention by ${unit} since acquisition`;
  return {
    kind: "cohort",
    title,
    filename: "cohort-retention.png",
    spec: chartBase(title, {
      data: { values: data },
      encoding: {
        x: { field: "k", type: "ordinal", title: `${unit}s since acquisition`, axis: { labelAngle: 0 } },
        y: { field: "cohort", type: "ordinal", title: null },
      },
      layer: [
        {
          mark: { type: "rect" },
          encoding: {
            color: {
              field: "value",
              type: "quantitative",
              title: "retention",
              scale: { scheme: "blues" },
              legend: { format: ".0%" },
            },
          },
        },
        {
          mark: { type: "text", fontSize: 11 },
          encoding: { text: { field: "value", type: "quantitative", format: ".0%" } },
        },
      ],
    }),
  };
}

function kpiChart(r: Row, rows: Row[]): ChartSpec | null {
  const dims = Array.isArray(r.group_by) ? (r.group_by as string[]) : [];
  const time = dims.find((d) => TIME_DIMS.includes(d));
  const series = dims.find((d) => SERIES_DIMS.includes(d));
  const keyOf = (row: Row, dim: string) => String((row.key as Row | undefined)?.[dim] ?? "");
  if (time) {
    const data = rows
      .map((row) => ({ t: keyOf(row, time), s: series ? keyOf(row, series) : "total", value: num(row.revenue) }))
      .filter((d): d is { t: string; s: string; value: number } => d.value !== null)
      .sort((a, b) => a.t.localeCompare(b.t));
    // More than a handful of lines is unreadable at preview size: keep the series with the most revenue.
    const totals = new Map<string, number>();
    for (const d of data) totals.set(d.s, (totals.get(d.s) ?? 0) + d.value);
    const keys = [...totals.keys()].sort((a, b) => (totals.get(b) ?? 0) - (totals.get(a) ?? 0)).slice(0, MAX_LINES);
    const shown = data.filter((d) => keys.includes(d.s));
    if (shown.length < 2) return null;
    return {
      kind: "kpi_trend",
      title: `Revenue by ${time}${series ? ` and ${series}` : ""}`,
      filename: `kpi-trend-${time}.png`,
      spec: chartBase(`Revenue by ${time}${series ? ` and ${series}` : ""}`, {
        data: { values: shown },
        mark: { type: "line", point: true, strokeWidth: 3 },
        encoding: {
          x: { field: "t", type: "ordinal", title: null, axis: { labelAngle: -40 } },
          y: {
            field: "value",
            type: "quantitative",
            title: "revenue",
            axis: { format: axisFormat("compute_kpis", "revenue") },
          },
          color: series ? { ...colorEncoding(keys, "s"), legend: { orient: "right" } } : { value: colorFor("total") },
        },
      }),
    };
  }
  if (!series) return null;
  const data = rows.map((row) => ({ label: keyOf(row, series), value: num(row.roas) })).filter((d) => d.value !== null);
  return bar(
    "channel_ranking",
    `ROAS by ${series}`,
    "ROAS",
    data,
    series === "channel",
    axisFormat("compute_kpis", "roas"),
  );
}

function attributionChart(r: Row, rows: Row[]): ChartSpec | null {
  const model = String(r.model ?? "model");
  const comparison = Array.isArray(r.comparison) ? (r.comparison as Row[]) : [];
  if (comparison.length > 0) {
    const data: { label: string; model: string; value: number }[] = [];
    for (const row of comparison.slice(0, MAX_BARS)) {
      for (const [key, value] of Object.entries(row)) {
        if (key !== "key" && typeof value === "number") data.push({ label: String(row.key), model: key, value });
      }
    }
    if (data.length === 0) return null;
    return {
      kind: "attribution",
      title: "Conversions credited, by attribution model",
      filename: "attribution-by-model.png",
      spec: chartBase("Conversions credited, by attribution model", {
        data: { values: data },
        mark: { type: "bar" },
        encoding: {
          y: { field: "label", type: "nominal", title: null, sort: { field: "value", op: "max", order: "descending" } },
          yOffset: { field: "model" },
          x: {
            field: "value",
            type: "quantitative",
            title: "conversions",
            axis: { format: axisFormat("compute_attribution", "conversions") },
          },
          color: { field: "model", type: "nominal", title: "model", scale: { scheme: "tableau10" } },
        },
      }),
    };
  }
  const data = rows.map((row) => ({ label: String(row.key ?? ""), value: num(row.conversions) }));
  return bar(
    "attribution",
    `Conversions by ${model} attribution`,
    "conversions",
    data,
    true,
    axisFormat("compute_attribution", "conversions"),
  );
}

function budgetChart(rows: Row[]): ChartSpec | null {
  const data: { label: string; kind: string; value: number }[] = [];
  for (const row of rows.slice(0, MAX_BARS)) {
    const label = String(row.channel ?? "");
    const current = num(row.current);
    const recommended = num(row.recommended);
    if (current !== null) data.push({ label, kind: "current", value: current });
    if (recommended !== null) data.push({ label, kind: "recommended", value: recommended });
  }
  if (data.length === 0) return null;
  const keys = [...new Set(data.map((d) => d.label))];
  return {
    kind: "budget",
    title: "Budget: current vs recommended",
    filename: "budget-recommendation.png",
    spec: chartBase("Budget: current (light) vs recommended (solid)", {
      data: { values: data },
      mark: { type: "bar" },
      encoding: {
        y: { field: "label", type: "nominal", title: null, sort: keys },
        yOffset: { field: "kind", sort: ["current", "recommended"] },
        x: {
          field: "value",
          type: "quantitative",
          title: "budget",
          axis: { format: axisFormat("recommend_budget", "current") },
        },
        color: { ...colorEncoding(keys, "label"), legend: null },
        opacity: {
          field: "kind",
          type: "ordinal",
          sort: ["current", "recommended"],
          scale: { domain: ["current", "recommended"], range: [0.35, 1] },
          title: null,
        },
      },
    }),
  };
}

/** Revenue by channel, this period (solid) beside the comparison (light): the summary's picture of what moved. */
function summaryChart(rows: Row[]): ChartSpec | null {
  const data: { label: string; period: string; value: number }[] = [];
  for (const row of rows.slice(0, MAX_BARS)) {
    const label = String((row.key as Row | undefined)?.channel ?? "");
    const now = num(row.revenue);
    const before = num((row.previous as Row | undefined)?.revenue);
    if (now !== null) data.push({ label, period: "this period", value: now });
    if (before !== null) data.push({ label, period: "comparison", value: before });
  }
  const keys = [...new Set(data.map((d) => d.label))];
  if (keys.length < 2) return null;
  const title = "Revenue by channel: comparison (light) vs this period (solid)";
  return {
    kind: "summary",
    title,
    filename: "summary-by-channel.png",
    spec: chartBase(title, {
      data: { values: data },
      mark: { type: "bar" },
      encoding: {
        y: { field: "label", type: "nominal", title: null, sort: keys },
        yOffset: { field: "period", sort: ["comparison", "this period"] },
        x: {
          field: "value",
          type: "quantitative",
          title: "revenue",
          axis: { format: axisFormat("summarize_period", "revenue") },
        },
        color: { ...colorEncoding(keys, "label"), legend: null },
        opacity: {
          field: "period",
          type: "ordinal",
          sort: ["comparison", "this period"],
          scale: { domain: ["comparison", "this period"], range: [0.35, 1] },
          title: null,
        },
      },
    }),
  };
}

function bar(
  kind: ChartSpec["kind"],
  title: string,
  measure: string,
  raw: { label: string; value: number | null }[],
  channelColours: boolean,
  format: string,
): ChartSpec | null {
  const data = raw
    .filter((d): d is { label: string; value: number } => d.value !== null)
    .sort((a, b) => b.value - a.value)
    .slice(0, MAX_BARS);
  if (data.length < 2) return null;
  const keys = data.map((d) => d.label);
  return {
    kind,
    title,
    filename: `${kind.replace(/_/g, "-")}.png`,
    spec: chartBase(title, {
      data: { values: data },
      mark: { type: "bar" },
      encoding: {
        y: { field: "label", type: "nominal", title: null, sort: keys },
        x: { field: "value", type: "quantitative", title: measure, axis: { format } },
        color: channelColours ? { ...colorEncoding(keys, "label"), legend: null } : { value: "#4e79a7" },
      },
    }),
  };
}

/** A colour scale whose range is each key's fixed colour, so a channel looks the same in every chart. */
function colorEncoding(keys: string[], field: string): Record<string, unknown> {
  return { field, type: "nominal", title: null, scale: { domain: keys, range: keys.map(colorFor) } };
}

/** The house style every chart shares (size, font, title and axis sizes); `config` adds to its config block. */
export function chartBase(
  title: string | Record<string, unknown>,
  body: Record<string, unknown>,
  config: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    autosize: { type: "fit", contains: "padding" },
    background: "white",
    padding: 12,
    config: {
      font: "Noto Sans SC",
      title: { fontSize: 20, anchor: "start", fontWeight: "bold" },
      axis: { labelFontSize: 14, titleFontSize: 14, labelLimit: 160 },
      legend: { labelFontSize: 14, titleFontSize: 14, orient: "bottom" },
      view: { stroke: null },
      ...config,
    },
    ...body,
  };
}
