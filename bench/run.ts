import { cpus, totalmem } from "node:os";
import { BenchFixtures } from "./fixtures.ts";
import { type BenchRow, formatTable, saveResults } from "./report.ts";
import { benchAgent } from "./scenarios/agent.ts";
import { benchAnomalies } from "./scenarios/anomalies.ts";
import { benchAttribution } from "./scenarios/attribution.ts";
import { benchBudget } from "./scenarios/budget.ts";
import { benchCli } from "./scenarios/cli.ts";
import { benchClv } from "./scenarios/clv.ts";
import { benchDemoGeneration } from "./scenarios/demo-generation.ts";
import { benchDirectory } from "./scenarios/directory.ts";
import { benchGuard } from "./scenarios/guard.ts";
import { benchHome } from "./scenarios/home.ts";
import { benchImport } from "./scenarios/import.ts";
import { benchKnowledge } from "./scenarios/knowledge.ts";
import { benchKpis } from "./scenarios/kpis.ts";
import { benchMcp } from "./scenarios/mcp.ts";
import { benchQuestions } from "./scenarios/questions.ts";
import { benchReplicas } from "./scenarios/replicas.ts";
import { benchSegments } from "./scenarios/segments.ts";
import { benchSlack } from "./scenarios/slack.ts";
import { benchSummary } from "./scenarios/summary.ts";
import { benchTickets } from "./scenarios/tickets.ts";
import type { BenchSettings } from "./settings.ts";

/** Every benchmark scenario by name; `beacon bench --only NAME` runs one. */
export const SCENARIOS: Record<string, (settings: BenchSettings) => Promise<BenchRow[]>> = {
  demo: benchDemoGeneration,
  attribution: benchAttribution,
  directory: benchDirectory,
  budget: benchBudget,
  clv: benchClv,
  segments: benchSegments,
  questions: benchQuestions,
  kpis: benchKpis,
  summary: benchSummary,
  knowledge: benchKnowledge,
  tickets: benchTickets,
  agent: benchAgent,
  slack: benchSlack,
  cli: benchCli,
  import: benchImport,
  home: benchHome,
  anomalies: benchAnomalies,
  guard: benchGuard,
  mcp: benchMcp,
  replicas: benchReplicas,
};

/** Runs the chosen scenarios, prints the table and saves the JSON. */
export async function runBenchmarks(
  names: string[],
  options: { serverUrl: string | undefined; quick: boolean },
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const settings: BenchSettings = { fixtures: new BenchFixtures(options.serverUrl), quick: options.quick };
  try {
    for (const name of names) {
      const scenario = SCENARIOS[name];
      if (!scenario) throw new Error(`unknown scenario ${name}`);
      process.stderr.write(`bench: ${name}...\n`);
      rows.push(...(await scenario(settings)));
    }
  } finally {
    await settings.fixtures.closeAll();
  }
  process.stdout.write(`${formatTable(rows)}\n`);
  const machine = {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    memory_gib: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
  const complete = Object.keys(SCENARIOS).every((name) => names.includes(name)) && !options.quick;
  const path = saveResults(
    rows,
    { ...machine, server: options.serverUrl ? "yes" : "no", quick: options.quick, scenarios: names },
    complete,
  );
  process.stderr.write(`bench: saved ${path}\n`);
  return rows;
}
