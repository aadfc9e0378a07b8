import { loadavg } from "node:os";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Database } from "../../db/pool.ts";
import { startMcpHttp } from "../../mcp/http.ts";
import { createToken } from "../../mcp/tokens.ts";
import { TOOLS } from "../../tools/index.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import type { BenchRow } from "../report.ts";
import { type BenchSettings, demoSizes } from "../settings.ts";
import { percentile } from "../stats.ts";

const NOW = new Date("2026-11-01T04:00:00Z");
const CONFIG = {
  BEACON_TIMEZONE: "Asia/Shanghai",
  BEACON_CURRENCY: "CNY",
  BEACON_DAILY_TOKEN_QUOTA: 1_000_000,
  // The benchmark measures the limit's cost, not its refusals.
  BEACON_MCP_RATE_LIMIT_PER_MINUTE: 1_000_000,
};
// A quick read tool, so the overhead is not lost in the tool's own time; the overhead does not depend on the tool.
const TOOL = "list_channels";
const ARGS = { start: "2026-10-01", end: "2026-10-31" };
const WARMUP = 30;

/**
 * MCP tool-call overhead on loopback Streamable HTTP: the SDK's client calls list_channels through `/mcp` (bearer
 * token check, rate-limit admission, the tool, the audit row, JSON-RPC both ways) alternating with the same tool
 * called directly through invokeTool, in the same run; plus the bare `SELECT 1` round trip as the engine's floor.
 * The target is judged on the median of the paired differences (MCP minus direct, each pair back to back).
 */
export async function benchMcp(settings: BenchSettings): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const calls = settings.quick ? 100 : 400;
  for (const engine of ["pglite", "postgres"] as const) {
    for (const customers of demoSizes(settings, engine).slice(0, 1)) {
      const { db } = await settings.fixtures.demo(engine, customers);
      rows.push(await measure(db, engine, customers, calls));
    }
  }
  return rows;
}

async function measure(
  db: Database,
  engine: "pglite" | "postgres",
  customers: number,
  calls: number,
): Promise<BenchRow> {
  const http = await startMcpHttp({ db, config: CONFIG, registry: TOOLS, now: () => NOW }, "127.0.0.1", 0);
  const { token } = await createToken(db.pool, `bench-${process.pid}`, "manager");
  const client = new Client({ name: "beacon-bench", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(http.url), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
    }),
  );
  const options = {
    caller: { userId: "bench", role: "manager" as const, canSeePii: false },
    timezone: CONFIG.BEACON_TIMEZONE,
    currency: CONFIG.BEACON_CURRENCY,
    now: NOW,
  };
  const direct: number[] = [];
  const viaMcp: number[] = [];
  const floor: number[] = [];
  const load = loadavg()[0] ?? 0;
  try {
    for (let i = 0; i < WARMUP + calls; i++) {
      let t = performance.now();
      const outcome = await invokeTool(db, TOOL, ARGS, options);
      const directMs = performance.now() - t;
      if (!outcome.ok) throw new Error(outcome.error);
      t = performance.now();
      const result = await client.callTool({ name: TOOL, arguments: ARGS });
      const mcpMs = performance.now() - t;
      if (result.isError) throw new Error(JSON.stringify(result.content));
      t = performance.now();
      await db.pool.query("SELECT 1");
      const floorMs = performance.now() - t;
      if (i < WARMUP) continue;
      direct.push(directMs * 1000);
      viaMcp.push(mcpMs * 1000);
      floor.push(floorMs * 1000);
    }
  } finally {
    await client.close();
    await http.close();
    await db.pool.query("DELETE FROM agent_runs WHERE surface = 'mcp' AND user_id LIKE 'bench-%'");
    await db.pool.query("DELETE FROM mcp_tokens WHERE user_name LIKE 'bench-%'");
  }
  const ms = (values: number[], p: number) => percentile(values, p) / 1000;
  const overhead = direct.map((d, i) => (viaMcp[i] ?? 0) - d);
  const overheadP50 = ms(overhead, 50);
  return {
    scenario: `mcp ${TOOL} over loopback HTTP vs direct`,
    engine,
    size: `${customers.toLocaleString("en-US")} customers, ${calls} calls`,
    metrics: {
      direct_p50_ms: ms(direct, 50),
      mcp_p50_ms: ms(viaMcp, 50),
      overhead_p50_ms: overheadP50,
      overhead_p90_ms: ms(overhead, 90),
      select1_p50_ms: ms(floor, 50),
      overhead_in_select1: Number((overheadP50 / Math.max(ms(floor, 50), 0.001)).toFixed(1)),
      load_1m: Number(load.toFixed(2)),
    },
    target: "MCP overhead over a direct call p50 <= 5 ms",
    met: overheadP50 <= 5,
  };
}
