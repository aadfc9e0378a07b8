import type { webApi } from "@slack/bolt";
import type { DisplaySettings } from "../../tools/number-format.ts";
import type { ChartSpec } from "../render/charts.ts";
import { digestBlocks } from "../render/digest-blocks.ts";
import { renderChartPng } from "../render/png.ts";
import { type Table, toCsv } from "../render/table.ts";
import { DeliveryFailed } from "./delivery.ts";
import type { BotDeps } from "./deps.ts";
import { digestContent } from "./digest-content.ts";
import { type DigestPeriod, type DigestView, PERIOD_LABELS } from "./digest-periods.ts";
import { dueRun, latestSlot, slotLabel } from "./digest-schedule.ts";
import {
  type ActiveDigest,
  claimRun,
  type DigestRun,
  listActiveDigests,
  markFailed,
  markPosted,
  reclaimRun,
} from "./digests.queries.ts";
import { postWithinLimits } from "./post-within-limits.ts";

/** The bot's dependencies plus the Web API client: a digest message carries its own blocks (title, buttons). */
export interface DigestDeps extends BotDeps {
  client: webApi.WebClient;
}

/**
 * One scheduler tick: for each active digest, the latest slot at or before `now` is claimed in Postgres (the unique
 * run key) and posted by whichever process got the claim. Returns how many digests this process posted.
 */
export async function runDueDigests(deps: DigestDeps, now: Date): Promise<number> {
  let posted = 0;
  for (const digest of await listActiveDigests(deps.db.pool)) {
    try {
      const run = await claimDue(deps, digest, now);
      if (run && (await postRun(deps, digest, run, now))) posted += 1;
    } catch (error) {
      deps.logger.error(`digest ${digest.id}: scheduling failed`, error);
    }
  }
  return posted;
}

/** A new claim on the latest slot, or a retry of that slot's failed / abandoned run; null when nothing is due. */
async function claimDue(deps: DigestDeps, digest: ActiveDigest, now: Date): Promise<DigestRun | null> {
  const due = dueRun(
    { cron: digest.cron, timezone: digest.timezone, createdAt: digest.created_at },
    now,
    digest.last_run,
  );
  if (due) return claimRun(deps.db.pool, digest.id, due.scheduledFor, due.late, due.skipped.length, now);
  const slot = latestSlot(digest.cron, digest.timezone, now);
  if (!slot || !digest.last_run || slot.getTime() !== digest.last_run.getTime()) return null;
  return reclaimRun(deps.db.pool, digest.id, slot, now);
}

async function postRun(deps: DigestDeps, digest: ActiveDigest, run: DigestRun, now: Date): Promise<boolean> {
  const display = { timezone: deps.config.BEACON_TIMEZONE, currency: deps.config.BEACON_CURRENCY };
  let ts: string | undefined;
  try {
    const content = await digestContent(
      { db: deps.db, ...display, caller: { userId: digest.created_by, role: "manager", canSeePii: false } },
      { view: digest.view as DigestView, period: digest.period as DigestPeriod },
      run.scheduled_for,
    );
    const rendered = digestBlocks(
      content.view,
      {
        digestId: digest.id,
        runId: run.id,
        title: PERIOD_LABELS[digest.period as DigestPeriod] ?? digest.period,
        dates: content.dates,
        view: digest.view,
        lateNote: run.late ? lateNote(run, digest.timezone) : null,
      },
      display,
    );
    // Through Slack's limits like an answer: a digest too big for one message continues in its thread.
    const posted = await postWithinLimits(deps.client, { channel: digest.channel }, rendered, deps);
    ts = posted.ts as string;
    // Recorded as posted at once: a failure from here on must never make a later tick post the digest again.
    await markPosted(deps.db.pool, run.id, ts, now);
    await uploadAttachments(deps, digest.channel, ts, rendered.csvTables, content.charts, display);
    return true;
  } catch (error) {
    const message =
      error instanceof DeliveryFailed
        ? error.slackError
        : ((error as { data?: { error?: string } }).data?.error ?? (error as Error).message);
    deps.logger.warn(`digest ${digest.id} run for ${run.scheduled_for.toISOString()} failed: ${message}`);
    // Once the message is in Slack the run stays claimed ('posting' until recorded): never post it twice.
    if (ts) return true;
    await markFailed(deps.db.pool, run.id, message);
    return false;
  }
}

/** "late: scheduled for Mon 09:00, Beacon was down" (+ how many older slots were deliberately not replayed). */
export function lateNote(run: Pick<DigestRun, "scheduled_for" | "skipped_slots">, timezone: string): string {
  const skipped = run.skipped_slots;
  const older =
    skipped > 0
      ? `; ${skipped} earlier run${skipped === 1 ? "" : "s"} missed while down ${skipped === 1 ? "is" : "are"} not replayed`
      : "";
  return `late: scheduled for ${slotLabel(run.scheduled_for, timezone)}, Beacon was down${older}`;
}

/** The digest's big tables as CSV and its charts as PNG in its thread (as answers do); failures are only logged. */
async function uploadAttachments(
  deps: DigestDeps,
  channel: string,
  ts: string,
  tables: Table[],
  charts: ChartSpec[],
  display: DisplaySettings,
): Promise<void> {
  const files = tables.map(
    (table) => async (): Promise<{ file: Buffer; filename: string; title: string }> => ({
      file: Buffer.from(toCsv(table, display), "utf8"),
      filename: `${table.title.replace(/\W+/g, "-")}.csv`,
      title: `${table.title} (${table.rows.length} rows)`,
    }),
  );
  for (const chart of charts) {
    files.push(async () => ({ file: await renderChartPng(chart), filename: chart.filename, title: chart.title }));
  }
  for (const make of files) {
    try {
      const file = await make();
      await deps.client.files.uploadV2({ channel_id: channel, thread_ts: ts, ...file });
    } catch (error) {
      deps.logger.warn(`digest attachment not sent: ${(error as Error).message}`);
    }
  }
}
