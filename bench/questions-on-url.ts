// One-off: the question-tool bench scenarios on the existing 1M demo (read-only queries only).
// Usage: npx tsx bench/questions-on-url.ts postgres://postgres@127.0.0.1:5432/beacon_1m 2026-11-30

import { loadavg } from "node:os";
import { formatTable } from "../bench/report.ts";
import { benchQuestionsOn } from "../bench/scenarios/questions.ts";
import { openDatabase } from "../db/pool.ts";

const [url, end] = process.argv.slice(2) as [string, string];
const db = await openDatabase({ url });
const before = loadavg();
const rows = await benchQuestionsOn(db, "postgres", 1_000_000, end);
console.log(formatTable(rows));
console.log(
  `load average before ${before.map((x) => x.toFixed(2)).join(" ")}, after ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`,
);
await db.close();
