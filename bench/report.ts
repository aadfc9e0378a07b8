import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** One measured line of the benchmark report. */
export interface BenchRow {
  scenario: string;
  engine: "pglite" | "postgres" | "node";
  size: string;
  /** Numbers with their unit in the key, e.g. seconds, rows_per_s, peak_rss_mib. */
  metrics: Record<string, number>;
  /** The target from the issue, in words, and whether this run met it (absent when there is none). */
  target?: string;
  met?: boolean;
}

const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), "results");

/** Prints the rows as an aligned table. */
export function formatTable(rows: readonly BenchRow[]): string {
  const header = ["scenario", "engine", "size", "metrics", "target", "met"];
  const lines = rows.map((r) => [
    r.scenario,
    r.engine,
    r.size,
    Object.entries(r.metrics)
      .map(([k, v]) => `${k}=${formatNumber(v)}`)
      .join(" "),
    r.target ?? "",
    r.met === undefined ? "" : r.met ? "yes" : "NO",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? "").length)));
  const render = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [render(header), render(widths.map((w) => "-".repeat(w))), ...lines.map(render)].join("\n");
}

/**
 * Saves the run as a dated file, and as bench/results/latest.json when it is complete (every scenario, full sizes),
 * so a partial run never replaces the reference numbers. Returns the dated path.
 */
export function saveResults(rows: readonly BenchRow[], machine: Record<string, unknown>, complete: boolean): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = new Date().toISOString().replaceAll(":", "-").slice(0, 19);
  const body = `${JSON.stringify({ ranAt: new Date().toISOString(), machine, rows }, null, 2)}\n`;
  const dated = join(RESULTS_DIR, `bench-${stamp}.json`);
  writeFileSync(dated, body);
  if (complete) writeFileSync(join(RESULTS_DIR, "latest.json"), body);
  return dated;
}

/** Process peak resident set size so far, in MiB. */
export function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

function formatNumber(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString("en-US");
  return value >= 100 ? value.toFixed(0) : value.toPrecision(3);
}
