// Per-phase wall time of one import, printed to stderr when BEACON_IMPORT_TIMINGS=1 (for the benchmark's breakdown
// and for finding where a slow import spends its time). Batch phases (prepare, write) run while the next batch is
// parsed, so their times include waiting for the parser; BEACON_IMPORT_TIMINGS=serial writes one batch at a time
// instead, so each phase's time is its own (the import is slower then).

const totals = new Map<string, { ms: number; calls: number }>();

/** Whether timings are collected (read once; costs nothing when off). */
export const TIMINGS_ON = ["1", "serial"].includes(process.env.BEACON_IMPORT_TIMINGS ?? "");
/** Whether batches are written one at a time while timing, so phases do not overlap. */
export const TIMINGS_SERIAL = process.env.BEACON_IMPORT_TIMINGS === "serial";

/** Runs `work`, adding its wall time to `phase`. */
export async function timed<T>(phase: string, work: () => Promise<T>): Promise<T> {
  if (!TIMINGS_ON) return work();
  const started = performance.now();
  try {
    return await work();
  } finally {
    const entry = totals.get(phase) ?? { ms: 0, calls: 0 };
    entry.ms += performance.now() - started;
    entry.calls++;
    totals.set(phase, entry);
  }
}

/** Writes the phases (seconds, calls) to stderr and starts over. */
export function printTimings(): void {
  if (!TIMINGS_ON) return;
  const lines = [...totals].map(([phase, t]) => `  ${phase}: ${(t.ms / 1000).toFixed(2)} s (${t.calls}x)`);
  process.stderr.write(`import timings:\n${lines.join("\n")}\n`);
  totals.clear();
}
