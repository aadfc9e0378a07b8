// Whole-process timings of the `beacon` command, as a user at a terminal sees them, next to their floors:
// a bare `node` start and the same compute_kpis work inside an already running process.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { migrate } from "../../db/migrate.ts";
import { openDatabase } from "../../db/pool.ts";
import { createEmptyScratchDatabase } from "../../db/scratch.ts";
import { generateDemo } from "../../derived/demo.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import type { BenchRow } from "../report.ts";
import type { BenchSettings } from "../settings.ts";
import { percentile } from "../stats.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const RUNS = 5;
const CUSTOMERS = 10_000;
const BANNER = "Beacon console (";
const TOOL_OPTIONS = {
  caller: { userId: "bench", role: "admin" as const, canSeePii: true },
  timezone: "Asia/Shanghai",
};

interface Timed {
  seconds: number;
  /** User + system CPU seconds of the whole process (it keeps running briefly after a banner appeared). */
  cpu: number;
  /** The run compiled dist/ first (someone edited a source meanwhile): not a steady-state sample. */
  compiled: boolean;
}

/** `beacon --help`, `beacon tool compute_kpis '{}'` and console start on a 10k-customer PGlite data dir, each run whole. */
export async function benchCli(settings: BenchSettings): Promise<BenchRow[]> {
  const dataDir = mkdtempSync(join(tmpdir(), "beacon-bench-cli-"));
  try {
    await writeDemo(dataDir);
    const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", BEACON_DATA_DIR: dataDir };
    const beacon = (args: string[], until?: string) =>
      timeProcess([join(ROOT, "cli/beacon.js"), ...args], { ...env, BEACON_TIMEZONE: "Asia/Shanghai" }, until);
    // One untimed call compiles dist/ when the sources changed, so the timed runs measure the steady state.
    await beacon(["--help"]);
    const size = `${CUSTOMERS.toLocaleString("en-US")} customers`;
    const rows: BenchRow[] = [];
    const measure = async (scenario: string, run: () => Promise<Timed>, target?: [string, number]) => {
      const seconds: number[] = [];
      const cpu: number[] = [];
      for (let attempt = 0; seconds.length < RUNS && attempt < RUNS * 2; attempt++) {
        const timed = await run();
        if (timed.compiled) continue;
        seconds.push(timed.seconds);
        cpu.push(timed.cpu);
      }
      if (seconds.length === 0) throw new Error(`${scenario}: every run recompiled (sources kept changing)`);
      const median =
        Number(
          percentile(
            seconds.map((s) => s * 1000),
            50,
          ).toFixed(0),
        ) / 1000;
      rows.push({
        scenario,
        engine: "node",
        size: scenario.includes("help") || scenario.includes("node") ? "-" : size,
        metrics: {
          median_s: median,
          min_s: Math.min(...seconds),
          max_s: Math.max(...seconds),
          cpu_median_s:
            Number(
              percentile(
                cpu.map((s) => s * 1000),
                50,
              ).toFixed(0),
            ) / 1000,
          runs: seconds.length,
        },
        ...(target ? { target: target[0], met: median <= target[1] } : {}),
      });
    };
    await measure("cli: node -e '' (process floor)", () => timeProcess(["-e", ""], env));
    await measure("cli: beacon --help", () => beacon(["--help"]), ["<= 0.3 s", 0.3]);
    await measure("cli: beacon tool compute_kpis '{}'", () => beacon(["tool", "compute_kpis", "{}"]), ["<= 1 s", 1]);
    await measure("cli: beacon chat until the banner", () => beacon(["chat"], BANNER), ["<= 1.5 s", 1.5]);
    rows.push(await inProcessFloor(dataDir, size));
    const serverUrl = settings.fixtures.serverUrl;
    if (serverUrl) {
      // The same call with DATABASE_URL: no embedded database to start, so this is the CLI's own cost.
      const scratch = await createEmptyScratchDatabase(serverUrl, "beacon_bench_cli");
      try {
        const onServer = (args: string[]) =>
          timeProcess([join(ROOT, "cli/beacon.js"), ...args], { ...env, DATABASE_URL: scratch.url });
        await onServer(["demo", "--customers", String(CUSTOMERS), "--end-date", "2026-10-31"]);
        await measure(
          "cli: beacon tool compute_kpis '{}' (DATABASE_URL server)",
          () => onServer(["tool", "compute_kpis", "{}"]),
          ["<= 1 s", 1],
        );
      } finally {
        await scratch.drop();
      }
    }
    return rows;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function writeDemo(dataDir: string): Promise<void> {
  const db = await openDatabase({ dataDir });
  try {
    await migrate(db.pool);
    process.stderr.write(`bench: generating ${CUSTOMERS.toLocaleString("en-US")} demo customers in ${dataDir}\n`);
    await generateDemo(db, { customers: CUSTOMERS, seed: 42, endDate: "2026-10-31" });
  } finally {
    await db.close();
  }
}

/** The floor under the CLI call: the same tool call inside a process whose database is already open. */
async function inProcessFloor(dataDir: string, size: string): Promise<BenchRow> {
  const db = await openDatabase({ dataDir });
  try {
    const times: number[] = [];
    for (let i = 0; i < RUNS + 1; i++) {
      const started = performance.now();
      const outcome = await invokeTool(db, "compute_kpis", {}, { ...TOOL_OPTIONS, currency: "CNY" });
      if (!outcome.ok) throw new Error(outcome.error);
      times.push((performance.now() - started) / 1000);
    }
    const [first = 0, ...warm] = times;
    return {
      scenario: "cli: compute_kpis '{}' in an open process (work floor)",
      engine: "pglite",
      size,
      metrics: {
        first_call_ms: Number((first * 1000).toFixed(1)),
        warm_median_ms: percentile(
          warm.map((s) => s * 1000),
          50,
        ),
        runs: RUNS,
      },
    };
  } finally {
    await db.close();
  }
}

/**
 * Runs `node <args>` and returns the wall time until it exits, or until `until` appears on its stdout (then it is
 * sent "quit" and awaited, untimed). A failing run throws with its stderr, so a broken CLI cannot look fast.
 * The clock starts in the small bash that starts node, not here: forking this process, whose heap holds PGlite and
 * earlier scenarios' data, costs 0.1-0.5 s that a user typing at a terminal never pays.
 */
function timeProcess(args: string[], env: Record<string, string>, until?: string): Promise<Timed> {
  return new Promise((resolve, reject) => {
    // Through bash, whose `times` reports the child's CPU time (on a busy machine wall time mostly measures waiting)
    // and whose $EPOCHREALTIME marks the start and end of node without forking anything.
    const script =
      'node_bin="$1"; shift; echo "START $EPOCHREALTIME" >&2; "$node_bin" "$@"; status=$?; ' +
      'echo "END $EPOCHREALTIME" >&2; times >&2; exit $status';
    const child = spawn("bash", ["-c", script, "bash", process.execPath, ...args], {
      cwd: ROOT,
      env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let output = "";
    let stderr = "";
    let seconds: number | undefined;
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (until && seconds === undefined && output.includes(until)) {
        seconds = Date.now() / 1000 - marker(stderr, "START");
        child.stdin.end("quit\n");
      }
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    if (!until) child.stdin.end();
    child.on("error", reject);
    child.on("exit", (code) => {
      const elapsed = seconds ?? marker(stderr, "END") - marker(stderr, "START");
      if (code !== 0) reject(new Error(`node ${args.join(" ")} exited with ${code}: ${stderr.trim()}`));
      else if (until && seconds === undefined) reject(new Error(`"${until}" never appeared: ${output}`));
      else {
        resolve({ seconds: Number(elapsed.toFixed(3)), cpu: childCpu(stderr), compiled: stderr.includes("compiling") });
      }
    });
  });
}

/** A wall-clock mark ("START 1764870000.123456") that the timing bash wrote to stderr, in epoch seconds. */
function marker(stderr: string, name: "START" | "END"): number {
  const match = new RegExp(`^${name} (\\d+[.,]\\d+)$`, "m").exec(stderr);
  if (!match?.[1]) throw new Error(`no ${name} mark in: ${stderr.slice(-200)}`);
  return Number(match[1].replace(",", "."));
}

/** The children's user + system time from bash's `times` (its last line), in seconds. */
function childCpu(stderr: string): number {
  const match = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(stderr);
  if (!match) throw new Error(`no CPU times in: ${stderr.slice(-200)}`);
  const [, um, us, sm, ss] = match.map(Number) as number[];
  return Number(((um ?? 0) * 60 + (us ?? 0) + (sm ?? 0) * 60 + (ss ?? 0)).toFixed(3));
}
