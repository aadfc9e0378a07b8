import { createHash } from "node:crypto";
import type { types, webApi } from "@slack/bolt";
import { resolveCaller } from "../../agent/callers.ts";
import { chartsFor } from "../render/charts.ts";
import { type HomeTabView, homeMessageView, homeView } from "../render/home-view.ts";
import { renderChartPng } from "../render/png.ts";
import { type BotDeps, friendlyError } from "./deps.ts";
import { gatherHome, type HomeData } from "./home-data.ts";
import { type SharedHome, sharedHome } from "./home-shared.ts";
import { claimHomeRefresh, findHomeChart, homePublishes, saveHomeChart } from "./home-views.queries.ts";
import { fitView } from "./post-within-limits.ts";

/** Waits between attempts to show a just-uploaded chart: Slack processes uploads asynchronously. */
const CHART_RETRY_MS = [500, 1000, 2000, 4000];

const LOADING = "Computing the last 7 days' numbers… this view fills in by itself in a moment.";

export type HomeOutcome = "published" | "throttled";

/**
 * Refreshes `userId`'s Home tab: claims the once-a-minute slot (skipped with `force`, after the user decided
 * something from the tab), gathers their numbers and publishes. The trend chart is a Slack file the view refers to
 * by id; a chart not uploaded yet is shown as a text sparkline first, then uploaded and the view published again.
 */
export async function refreshHome(
  deps: BotDeps,
  client: webApi.WebClient,
  userId: string,
  options: { force?: boolean } = {},
): Promise<HomeOutcome> {
  const caller = await resolveCaller(deps.db.pool, userId, deps.config.BEACON_DEFAULT_ROLE);
  const now = deps.now ?? new Date();
  const claim = await claimHomeRefresh(deps.db.pool, userId, caller.role, deps.now ?? null, options.force ?? false);
  if (claim === null) return "throttled";
  const settings = { timezone: deps.config.BEACON_TIMEZONE, currency: deps.config.BEACON_CURRENCY, now };
  const shared = sharedHome(deps.db, settings);
  // Nobody opened the tab in the last hour: say the numbers are coming at once, then show them.
  if (!shared.ready) await publish(client, userId, homeMessageView(LOADING), false);
  let base: SharedHome;
  try {
    base = shared.ready ?? (await shared.pending);
  } catch (error) {
    deps.logger.error("home: the week's numbers could not be computed", error);
    await publish(client, userId, homeMessageView(`:warning: ${friendlyError(error)}`), false);
    return "published";
  }
  const data = await gatherHome(deps.db, caller, settings, base);
  const key = chartKey(data, deps.config.BEACON_CURRENCY);
  const fileId = key ? await findHomeChart(deps.db.pool, key) : null;
  const render = (chartFileId: string | null) =>
    homeView(data, {
      settings: { currency: deps.config.BEACON_CURRENCY, timezone: deps.config.BEACON_TIMEZONE },
      chartFileId,
      modelConfigured: deps.analyst.modelConfigured,
    });
  if (fileId && (await publish(client, userId, render(fileId), true))) return "published";
  await publish(client, userId, render(null), false);
  if (key && !fileId) deps.background(() => uploadChart(deps, client, { userId, claim }, data, key, render));
  return "published";
}

/** views.publish; with `chart`, false when Slack refuses the image (file not processed yet, or gone). */
async function publish(client: webApi.WebClient, userId: string, view: HomeTabView, chart: boolean): Promise<boolean> {
  try {
    // Fitted to Slack's limits (100 blocks, section and header lengths), the first publish as much as the later ones.
    await client.views.publish({ user_id: userId, view: fitView(view) as types.HomeView });
    return true;
  } catch (error) {
    if (chart && (error as { data?: { error?: string } }).data?.error === "invalid_blocks") return false;
    throw error;
  }
}

/** The chart's identity: its days, numbers and currency (the same data is uploaded once). */
export function chartKey(data: HomeData, currency: string): string | null {
  if (data.trend.length < 2) return null;
  return createHash("sha256")
    .update(JSON.stringify([currency, data.trend]))
    .digest("hex");
}

async function uploadChart(
  deps: BotDeps,
  client: webApi.WebClient,
  { userId, claim }: { userId: string; claim: number },
  data: HomeData,
  key: string,
  render: (fileId: string | null) => HomeTabView,
): Promise<void> {
  const settings = { currency: deps.config.BEACON_CURRENCY, timezone: deps.config.BEACON_TIMEZONE };
  const result = { group_by: ["day"], rows: data.trend.map((t) => ({ key: { day: t.day }, revenue: t.revenue })) };
  const chart = chartsFor([{ tool: "compute_kpis", args: {}, result }], settings)[0];
  if (!chart) return;
  try {
    const png = await renderChartPng(chart);
    // No channel: the file stays private to Beacon, which may show it in the views it publishes.
    const uploaded = (await client.files.uploadV2({
      file: png,
      filename: "home-revenue-trend.png",
      title: chart.title,
    })) as {
      files?: { files?: { id?: string }[] }[];
    };
    const fileId = uploaded.files?.[0]?.files?.[0]?.id;
    if (!fileId) throw new Error("files.uploadV2 returned no file id");
    await saveHomeChart(deps.db.pool, key, fileId);
    for (const wait of CHART_RETRY_MS) {
      await new Promise((resolve) => setTimeout(resolve, wait));
      // A newer view (after an Approve, or the next open) carries the chart itself: never overwrite it with this one.
      if ((await homePublishes(deps.db.pool, userId)) !== claim) return;
      if (await publish(client, userId, render(fileId), true)) return;
    }
    deps.logger.warn(`home chart ${fileId} still refused by views.publish; the tab keeps the sparkline`);
  } catch (error) {
    deps.logger.warn(`home chart not shown: ${(error as Error).message}`);
  }
}
