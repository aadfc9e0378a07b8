import { z } from "zod";
import { lexicalEmbedder } from "../../knowledge/embedders/lexical.ts";
import { searchTokens } from "../../knowledge/segment.ts";
import { fetchTierThresholds, VALUE_TIER_DEFINITION } from "../find-customers/value-tier.queries.ts";
import { addDays, IsoDate, todayIn } from "../period.ts";
import { maskingNote } from "../pii.ts";
import { defineTool, ROLES, ToolInputError } from "../tool.ts";
import {
  countAbout,
  countBy,
  countByWeekAndCategory,
  type DimensionRow,
  fetchThemeSources,
  type InsightWindow,
  type NpsGroupRow,
  npsByCategory,
  npsOfTicketCustomers,
} from "./insights.queries.ts";
import { clusterThemes, THEME_MIN_SIMILARITY } from "./themes.model.ts";
import { CATEGORIES, type Category } from "./ticket-enums.ts";
import { excerpt, UNTRUSTED_NOTE, visibleText } from "./ticket-view.ts";
import { disableJit } from "./tickets.queries.ts";

export const FeedbackInsightsInput = z
  .object({
    start: IsoDate.optional().describe("First day of the period (YYYY-MM-DD); default 12 weeks before end."),
    end: IsoDate.optional().describe("Last day of the period (YYYY-MM-DD), inclusive; default today."),
    themes: z.number().int().min(1).max(20).default(5).describe("How many top themes to return (1-20, default 5)."),
    examples_per_theme: z
      .number()
      .int()
      .min(1)
      .max(5)
      .default(3)
      .describe("Example quotes per theme (1-5, default 3), the tickets closest to the theme's centre."),
  })
  .strict();

const DEFAULT_DAYS = 84;
/** Themes are found among the newest tickets of the period, at most this many (clustering runs in Node). */
const THEME_SAMPLE = 2000;
const TREND_WEEKS = 4;

const share = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 1000) / 1000);

function withShare(rows: DimensionRow[], total: number) {
  return rows.map((r) => ({ ...r, share: share(r.tickets, total) }));
}

function npsSummary(row: NpsGroupRow | undefined) {
  if (row === undefined || row.customers === 0) return { customers: 0, avg_score: null, nps: null };
  return {
    customers: row.customers,
    avg_score: row.avg_score,
    nps: Math.round(((row.promoters - row.detractors) / row.customers) * 1000) / 10,
  };
}

function parseVector(text: string): number[] {
  return text
    .slice(1, -1)
    .split(",")
    .map((x) => Number(x));
}

/** What customer feedback says about categories, channels, campaigns and tiers, with themes and the NPS link. */
export const feedbackInsightsTool = defineTool({
  name: "feedback_insights",
  description:
    "Summarises customer feedback tickets over a period (default the last 12 weeks): counts and trends by category, source " +
    "channel, campaign, marketing channel, value tier and ISO week; top themes (tickets clustered by text-embedding " +
    "similarity, with example quotes); the share of ad-promise complaints per campaign; and the NPS of the customers who " +
    "filed tickets compared with other respondents.",
  input: FeedbackInsightsInput,
  roles: ROLES,
  access: "read",
  async run(input, context) {
    const { db, caller } = context;
    const end = input.end ?? todayIn(context);
    const start = input.start ?? addDays(end, -(DEFAULT_DAYS - 1));
    if (end < start) throw new ToolInputError(`end (${end}) is before start (${start}); give end on or after start`);
    await disableJit(db);
    const f: InsightWindow = {
      start,
      end,
      timezone: context.timezone,
      thresholds: await fetchTierThresholds(db, context),
    };

    const byCategory = await countBy(db, f, "category");
    const total = byCategory.reduce((s, r) => s + r.tickets, 0);
    const bySource = await countBy(db, f, "source_channel");
    const byTier = await countBy(db, f, "tier");
    const byPriority = await countBy(db, f, "priority");
    const byWeek = await countBy(db, f, "week");
    const weekCategory = await countByWeekAndCategory(db, f);
    const campaigns = await countAbout(db, f, "campaign");
    const channels = await countAbout(db, f, "channel");

    const weeks = byWeek.map((w) => w.key);
    const recent = new Set(weeks.slice(-TREND_WEEKS));
    const previous = new Set(weeks.slice(-2 * TREND_WEEKS, -TREND_WEEKS));
    const trends = CATEGORIES.map((category) => {
      const rows = weekCategory.filter((r) => r.category === category);
      const last = rows.filter((r) => recent.has(r.week)).reduce((s, r) => s + r.tickets, 0);
      const before = rows.filter((r) => previous.has(r.week)).reduce((s, r) => s + r.tickets, 0);
      return {
        category,
        last_weeks: last,
        previous_weeks: before,
        change: last - before,
        change_pct: before === 0 ? null : Math.round(((last - before) / before) * 1000) / 10,
      };
    }).filter((t) => t.last_weeks > 0 || t.previous_weeks > 0);

    const sources = await fetchThemeSources(db, f, lexicalEmbedder.model, THEME_SAMPLE);
    const missing = sources.rows.filter((r) => r.embedding === null);
    const computed = await lexicalEmbedder.embed(missing.map((r) => r.body));
    const vectors = new Map(missing.map((r, i) => [r.id, computed[i] as number[]]));
    const items = sources.rows.map((r) => ({
      vector: r.embedding === null ? (vectors.get(r.id) as number[]) : parseVector(r.embedding),
      tokens: searchTokens(r.body),
    }));
    const themes = clusterThemes(items)
      .filter((t) => t.members.length >= 2)
      .slice(0, input.themes)
      .map((t, n) => {
        const members = t.members.map((i) => sources.rows[i] as (typeof sources.rows)[number]);
        const categories: Partial<Record<Category, number>> = {};
        for (const m of members) categories[m.category] = (categories[m.category] ?? 0) + 1;
        return {
          theme: n + 1,
          tickets: members.length,
          share: share(members.length, sources.rows.length),
          terms: t.terms,
          categories,
          customers: new Set(members.map((m) => m.customer_id).filter((c) => c !== null)).size,
          examples: members.slice(0, input.examples_per_theme).map((m) => ({
            ticket_id: m.id,
            category: m.category,
            untrusted_quote: visibleText(excerpt(m.body, 200), caller),
          })),
        };
      });

    const npsGroups = await npsOfTicketCustomers(db, f);
    const npsCategories = await npsByCategory(db, f);
    const ticketNps = npsSummary(npsGroups.find((g) => g.group === "ticket_customers"));
    const otherNps = npsSummary(npsGroups.find((g) => g.group === "other_respondents"));
    const topCategory = byCategory[0];
    const adCampaigns = campaigns
      .map((c) => ({ ...c, ad_promise_share: share(c.ad_promise, c.tickets) }))
      .sort((a, b) => b.ad_promise - a.ad_promise || b.tickets - a.tickets);
    const topAd = adCampaigns.find((c) => c.ad_promise > 0);

    return {
      summary:
        `${total} ticket${total === 1 ? "" : "s"} from ${start} to ${end}` +
        (topCategory ? `; most about ${topCategory.key} (${topCategory.tickets})` : "") +
        (topAd
          ? `; most ad-promise complaints: ${topAd.key} ${topAd.name} (${topAd.ad_promise} of ${topAd.tickets})`
          : "") +
        (ticketNps.nps !== null && otherNps.nps !== null
          ? `; NPS of ticket customers ${ticketNps.nps} vs ${otherNps.nps} for other respondents.`
          : "."),
      period: { start, end, timezone: context.timezone },
      total_tickets: total,
      by_category: withShare(byCategory, total),
      by_source_channel: withShare(bySource, total),
      by_value_tier: withShare(byTier, total),
      by_priority: withShare(byPriority, total),
      by_week: byWeek.map((w) => ({
        ...w,
        by_category: Object.fromEntries(
          weekCategory.filter((r) => r.week === w.key).map((r) => [r.category, r.tickets]),
        ),
      })),
      trends,
      ad_promise_by_campaign: adCampaigns,
      by_marketing_channel: channels.map((c) => ({ ...c, ad_promise_share: share(c.ad_promise, c.tickets) })),
      themes,
      nps: {
        ticket_customers: ticketNps,
        other_respondents: otherNps,
        ticket_customers_by_category: npsCategories.map((r) => ({
          category: r.group,
          tickets: r.tickets,
          ...npsSummary(r),
        })),
      },
      definitions: {
        week: "ISO week (Monday to Sunday) of the filing time in the business time zone, e.g. 2026-W44.",
        trends: `Tickets per category in the last ${TREND_WEEKS} ISO weeks of the period vs the ${TREND_WEEKS} weeks before.`,
        themes:
          `Tickets grouped by cosine similarity of ${lexicalEmbedder.model} text embeddings (shared words and character ` +
          `n-grams, no meaning beyond shared words): a ticket joins the closest theme centre at similarity >= ` +
          `${THEME_MIN_SIMILARITY}; themes of one ticket are left out. Based on the newest ${sources.rows.length} of ` +
          `${sources.total} tickets. terms: words frequent in the theme and rarer elsewhere.`,
        ad_promise_share:
          "Share of a campaign's tickets in the ad_promise category (the ad promised what the product, price or checkout did not deliver).",
        value_tier: `${VALUE_TIER_DEFINITION} Tickets keep the tier they were filed with; unknown = customer not in the CRM.`,
        nps:
          "Each customer's latest NPS answer up to the end of the period; NPS = % promoters (9-10) - % detractors (0-6). " +
          "ticket_customers: customers with a ticket in the period; other_respondents: everyone else who answered.",
        avg_satisfaction: "Mean satisfaction (1-5) recorded at the follow-up call, over tickets that have one.",
      },
      masking: maskingNote(caller),
      untrusted_text_note: UNTRUSTED_NOTE,
    };
  },
});
