import { describe, expect, it } from "vitest";
import { importProgress, progressText } from "../../cli/progress.ts";
import { scientificIdProblem } from "../../db/import/doubtful.ts";

/** A fake stderr that records what was written. */
function sink(isTTY: boolean) {
  const written: string[] = [];
  return { stream: { isTTY, write: (text: string) => written.push(text) > 0 } as never, written };
}

describe("import progress", () => {
  it("is silent for the first 2 seconds, then prints at most once a second with rows/s and time left", () => {
    let now = 0;
    const { stream, written } = sink(false);
    const show = importProgress("beacon import orders", { stream, env: { BEACON_PROGRESS: "1" }, clock: () => now });
    const update = (rows: number, bytesRead: number, done = false) =>
      show({ rows, bytesRead, totalBytes: 10_000_000, done });
    now = 1500;
    update(15_000, 750_000);
    expect(written).toEqual([]);
    now = 2500;
    update(25_000, 1_250_000);
    now = 3000;
    update(30_000, 1_500_000); // within a second of the last line: not shown
    now = 4000;
    update(40_000, 2_000_000);
    now = 5000;
    update(50_000, 10_000_000, true);
    expect(written).toEqual([
      "beacon import orders: 25,000 rows, 10,000 rows/s, 13% of 10.0 MB, about 18 s left\n",
      "beacon import orders: 40,000 rows, 10,000 rows/s, 20% of 10.0 MB, about 16 s left\n",
      "beacon import orders: 50,000 rows, 10,000 rows/s, all read in 5.0 s; finishing (derived tables, commit)\n",
    ]);
  });

  it("says nothing when stderr is not a terminal and BEACON_PROGRESS is not 1, or when the import was short", () => {
    let now = 0;
    const quiet = sink(false);
    const off = importProgress("x", { stream: quiet.stream, env: {}, clock: () => now });
    now = 10_000;
    off({ rows: 1, bytesRead: 1, totalBytes: 2, done: false });
    expect(quiet.written).toEqual([]);
    const tty = sink(true);
    now = 0;
    const short = importProgress("x", { stream: tty.stream, env: {}, clock: () => now });
    now = 1000;
    short({ rows: 10, bytesRead: 2, totalBytes: 2, done: true });
    expect(tty.written).toEqual([]);
  });

  it("redraws one line on a terminal", () => {
    let now = 0;
    const { stream, written } = sink(true);
    const show = importProgress("x", { stream, env: {}, clock: () => now });
    now = 3000;
    show({ rows: 3000, bytesRead: 1, totalBytes: 4, done: false });
    expect(written[0]?.startsWith("\rx: 3,000 rows, 1,000 rows/s, 25% of 0.0 MB, about 9 s left")).toBe(true);
    expect(progressText({ rows: 0, bytesRead: 0, totalBytes: 0, done: false }, 3)).toBe(
      "0 rows, 0 rows/s, 0% of 0.0 MB, time left unknown",
    );
  });
});

describe("Excel scientific-notation ids", () => {
  it("refuses what Excel writes and keeps ids that only look alike", () => {
    expect(scientificIdProblem("1.23457E+11")).toMatch(/Excel turned into scientific notation.*as Text/);
    expect(scientificIdProblem(" 4,5E+10 ")).not.toBeNull();
    expect(scientificIdProblem("1E+15")).not.toBeNull();
    expect(scientificIdProblem("2E45")).toBeNull();
    expect(scientificIdProblem("O-1E+5")).toBeNull();
    expect(scientificIdProblem("123456789012")).toBeNull();
    expect(scientificIdProblem(undefined)).toBeNull();
  });
});
