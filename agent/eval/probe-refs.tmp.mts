import { existsSync } from "node:fs";
import { parseConfig } from "../../config.ts";
import { generateDemo } from "../../db/demo/index.ts";
import { migrate } from "../../db/migrate.ts";
import { openDatabase } from "../../db/pool.ts";
import { namedPeriods } from "../calendar.ts";
import { resolveCaller } from "../callers.ts";
import { GOLDEN_SET } from "./golden-set.ts";
import { computeReference, evaluationDay, instantOn } from "./run-eval.ts";

const dir = process.env.PROBE_DIR ?? "/tmp/ev/pg400";
const fresh = !existsSync(dir);
const db = await openDatabase({ dataDir: dir });
await migrate(db.pool);
if (fresh)
  console.log(
    await generateDemo(db, {
      customers: Number(process.env.PROBE_N ?? 400),
      seed: 42,
      ...(process.env.PROBE_END ? { endDate: process.env.PROBE_END } : {}),
    }),
  );
const config = parseConfig({});
const today = await evaluationDay(db, config.BEACON_TIMEZONE);
const now = instantOn(today, config.BEACON_TIMEZONE);
const p = namedPeriods(today, 1);
console.log("today", today, now.toISOString());
const counts = { en: 0, zh: 0, marketer: 0, manager: 0, support: 0 } as Record<string, number>;
let total = 0;
for (const c of GOLDEN_SET) {
  counts[c.language]++;
  counts[c.role]++;
  const caller = await resolveCaller(db.pool, `eval-${c.role}`, c.role);
  const t0 = performance.now();
  const ref = await computeReference(db, c, c.args(p), {
    caller,
    now,
    timezone: config.BEACON_TIMEZONE,
    currency: "CNY",
  });
  const ms = Math.round(performance.now() - t0);
  total += ms;
  console.log(
    `${c.id.padEnd(34)} ${String(ms).padStart(5)}ms ${ref.numbers.map((n) => `${n.path}=${n.value}`).join("  ")} ${ref.error ?? ""}`,
  );
}
console.log(GOLDEN_SET.length, counts, "total ms", total);
const ids = new Set(GOLDEN_SET.map((c) => c.id));
console.log("unique ids", ids.size);
const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM budget_proposals");
console.log("proposals", rows[0]);
await db.close();
