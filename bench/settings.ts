import type { BenchFixtures } from "./fixtures.ts";

/** What a benchmark run may use. */
export interface BenchSettings {
  fixtures: BenchFixtures;
  /** Smaller sizes only (no 1M-customer runs). */
  quick: boolean;
}

/** The demo sizes a run covers per engine. */
export function demoSizes(settings: BenchSettings, engine: "pglite" | "postgres"): number[] {
  if (engine === "pglite") return [10_000];
  if (!settings.fixtures.hasServer()) return [];
  return settings.quick ? [10_000] : [10_000, 1_000_000];
}
