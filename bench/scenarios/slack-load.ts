// Load generator for the Slack benchmark, run in its own process so its timings do not share the bot's event loop.
// Input: one JSON argument; output: one JSON line with every acknowledgement time.
import { sendToBot } from "../../tests/e2e/fake-slack-server.ts";

interface LoadPlan {
  url: string;
  secret: string;
  rate: number;
  total: number;
  channels: number;
  users: number;
  retryEvery: number;
  runTag: string;
}

const plan = JSON.parse(process.argv[2] ?? "{}") as LoadPlan;
const acks: number[] = [];
const statuses: Record<string, number> = {};
const started = performance.now();
const sends: Promise<void>[] = [];
for (let i = 0; i < plan.total; i++) {
  const wait = started + (i * 1000) / plan.rate - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const ts = `${1_900_000_000 + i}.000100`;
  const envelope = {
    type: "event_callback",
    team_id: "T1",
    api_app_id: "A1",
    event_id: `EvBench${plan.runTag}_${i}`,
    event_time: 1,
    event: {
      type: "app_mention",
      user: `UBENCH${i % plan.users}`,
      text: `<@UBEACON> question ${i}: ROAS by channel?`,
      ts,
      channel: `CBENCH${i % plan.channels}`,
      event_ts: ts,
    },
  };
  const deliveries: Record<string, string>[] = i % plan.retryEvery === 0 ? [{}, { "x-slack-retry-num": "1" }] : [{}];
  for (const headers of deliveries) {
    sends.push(
      sendToBot(plan.url, plan.secret, { json: envelope }, headers).then((r) => {
        acks.push(r.ms);
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      }),
    );
  }
}
await Promise.all(sends);
process.stdout.write(`${JSON.stringify({ acks, statuses, sendSeconds: (performance.now() - started) / 1000 })}\n`);
