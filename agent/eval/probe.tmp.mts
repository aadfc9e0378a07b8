import { existsSync } from "node:fs";
import { generateDemo } from "../../db/demo/index.ts";
import { migrate } from "../../db/migrate.ts";
import { openDatabase } from "../../db/pool.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import { namedPeriods } from "../calendar.ts";

const dir = process.env.PROBE_DIR ?? "/tmp/ev/pg400";
const fresh = !existsSync(dir);
const db = await openDatabase({ dataDir: dir });
await migrate(db.pool);
if (fresh)
  console.log(
    await generateDemo(db, { customers: Number(process.env.PROBE_N ?? 400), seed: 42, endDate: "2026-10-31" }),
  );
const { rows } = await db.pool.query(
  "SELECT (max(ordered_at) AT TIME ZONE 'Asia/Shanghai')::date::text AS d FROM orders",
);
const last = rows[0].d;
const d = new Date(`${last}T00:00:00Z`);
d.setUTCDate(d.getUTCDate() + 1);
const today = d.toISOString().slice(0, 10);
const p = namedPeriods(today, 1);
console.log("today", today);
const trim = (v: any, depth = 0): any =>
  Array.isArray(v)
    ? [
        ...v.slice(0, Number(process.env.PROBE_ITEMS ?? 2)).map((x) => trim(x, depth + 1)),
        ...(v.length > 2 ? [`…${v.length}`] : []),
      ]
    : v && typeof v === "object"
      ? Object.fromEntries(
          Object.entries(v).map(([k, x]) => [
            k,
            typeof x === "string" && x.length > 120 ? x.slice(0, 120) + "…" : trim(x, depth + 1),
          ]),
        )
      : v;
const calls = JSON.parse(process.argv[2] ?? "[]") as [string, any][];
for (const [tool, argsSrc] of calls) {
  const args = typeof argsSrc === "string" ? new Function("p", `return (${argsSrc})`)(p) : argsSrc;
  const started = performance.now();
  const out = await invokeTool(db, tool, args, {
    caller: { userId: "probe", role: (process.env.PROBE_ROLE as any) ?? "admin", canSeePii: true },
    now: new Date(`${today}T04:00:00Z`),
    timezone: "Asia/Shanghai",
    currency: "CNY",
  });
  console.log(`\n### ${tool} ${JSON.stringify(args)} ${Math.round(performance.now() - started)}ms`);
  console.log(JSON.stringify(trim(out.ok ? out.result : out), null, process.env.PROBE_COMPACT ? 0 : 1));
}
await db.close();
