import type { Queryable } from "../../db/pool.ts";
import { describeThresholds, fetchTierThresholds, type TierThresholds } from "../find-customers/value-tier.queries.ts";
import { fetchFreshness } from "../freshness.ts";
import { addDays, todayIn } from "../period.ts";
import { maskingNote, maskName } from "../pii.ts";
import { defineTool, ROLES, ToolInputError } from "../tool.ts";
import { simpleClv } from "./clv.model.ts";
import {
  clvSettings,
  DAYS_PER_MONTH,
  fitPurchaseModel,
  fitSpendModel,
  MIN_CUSTOMERS,
  predictHistory,
  predictorOf,
  spendOfHistory,
  spendPerPurchase,
} from "./clv-fit.model.ts";
import {
  fetchCacInputs,
  fetchCustomerNames,
  fetchHistories,
  fetchRetention,
  fetchSpendPairs,
  type HistoryRow,
} from "./estimate-clv.queries.ts";
import { EstimateClvInput } from "./estimate-clv.schema.ts";

const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
const r2 = (x: number) => Math.round(x * 100) / 100;

export const estimateClvTool = defineTool({
  name: "estimate_clv",
  description:
    "Customer lifetime value from the order history: fits a BG/NBD (or Pareto/NBD) repeat-purchase model and a Gamma-Gamma " +
    "spend model, then reports per group (acquisition channel, value tier, region) predicted purchases, P(alive), " +
    "discounted predicted CLV over a horizon, historical CLV (revenue to date), CAC and CLV:CAC per acquisition channel, " +
    "the retention-formula CLV m*r/(1+i-r) with its inputs, fitted parameters, and the top customers by predicted CLV.",
  input: EstimateClvInput,
  roles: ROLES,
  access: "read",
  async run(input, context) {
    const end = input.end ?? addDays(todayIn(context), -1);
    const unitDays = input.time_unit === "week" ? 7 : 1;
    const tiers: TierThresholds | null =
      input.group_by === "value_tier" ? await fetchTierThresholds(context.db, context) : null;
    const histories = await fetchHistories(context.db, {
      end,
      timezone: context.timezone,
      groupBy: input.group_by,
      topN: input.top_customers,
      tiers,
    });
    const customers = histories.reduce((s, h) => s + h.customers, 0);
    if (customers < MIN_CUSTOMERS) {
      throw new ToolInputError(
        `only ${customers} customers have an order on or before ${end}; CLV models need at least ${MIN_CUSTOMERS} (choose a later end or import orders)`,
      );
    }
    const { fitted, logLikelihood, converged } = fitPurchaseModel(histories, input.model, unitDays);
    const predictor = predictorOf(fitted);
    const parameters: Record<string, number> = Object.fromEntries(
      Object.entries(fitted.params).map(([k, v]) => [k, r6(v)]),
    );
    const pairs = await fetchSpendPairs(context.db, end, context.timezone);
    const { spend, gg, logLikelihood: ggLogLikelihood, repeatBuyers } = fitSpendModel(pairs, histories);
    const spendModelOk = spend.model === "gamma_gamma";
    const settings = clvSettings(input.horizon_weeks, input.time_unit, input.monthly_discount_rate);
    // Per distinct history (shared by groups): predicted purchases, P(alive), discounted purchases.
    const memo = new Map<string, { purchases: number; alive: number; discounted: number }>();
    const predict = (h: HistoryRow) => {
      const key = `${h.x}|${h.recency_days}|${h.age_days}`;
      let v = memo.get(key);
      if (!v) {
        v = predictHistory(predictor, h, settings);
        memo.set(key, v);
      }
      return v;
    };

    interface Acc {
      customers: number;
      repeat: number;
      purchases: number;
      alive: number;
      clv: number;
      revenue: number;
    }
    const groups = new Map<string, Acc>();
    const candidates: { id: string; clv: number; alive: number; purchases: number; revenue: number; group: string }[] =
      [];
    for (const h of histories) {
      const v = predict(h);
      const g = groups.get(h.grp) ?? { customers: 0, repeat: 0, purchases: 0, alive: 0, clv: 0, revenue: 0 };
      g.customers += h.customers;
      if (h.x > 0) g.repeat += h.customers;
      g.purchases += h.customers * v.purchases;
      g.alive += h.customers * v.alive;
      g.clv += v.discounted * spendOfHistory(spend, h);
      g.revenue += h.revenue;
      groups.set(h.grp, g);
      (h.top_ids ?? []).forEach((id, k) => {
        candidates.push({
          id,
          clv: v.discounted * spendPerPurchase(spend, h.x, h.top_zbar?.[k] ?? 0),
          alive: v.alive,
          purchases: v.purchases,
          revenue: h.top_revenue?.[k] ?? 0,
          group: h.grp,
        });
      });
    }

    const cacWindow = { since: addDays(end, -364), end };
    const cac =
      input.group_by === "acquisition_channel" ? await fetchCacInputs(context.db, cacWindow.since, end) : null;
    const rows = [...groups.entries()]
      .map(([group, g]) => {
        const c = cac?.get(group);
        const cacValue = c && c.spend > 0 && c.newCustomers > 0 ? c.spend / c.newCustomers : null;
        const avgClv = g.clv / g.customers;
        const avgHistorical = g.revenue / g.customers;
        return {
          group,
          customers: g.customers,
          repeat_customers: g.repeat,
          avg_predicted_purchases: r6(g.purchases / g.customers),
          avg_p_alive: r6(g.alive / g.customers),
          avg_predicted_clv: r2(avgClv),
          avg_historical_clv: r2(avgHistorical),
          total_predicted_clv: r2(g.clv),
          ...(cac
            ? {
                ad_spend: c ? r2(c.spend) : 0,
                new_customers: c?.newCustomers ?? 0,
                cac: cacValue === null ? null : r2(cacValue),
                clv_cac_ratio: cacValue === null ? null : r6((avgHistorical + avgClv) / cacValue),
              }
            : {}),
        };
      })
      .sort((a, b) => b.total_predicted_clv - a.total_predicted_clv || a.group.localeCompare(b.group));

    candidates.sort((a, b) => b.clv - a.clv || a.id.localeCompare(b.id));
    const top = candidates.slice(0, input.top_customers);
    const names = await fetchCustomerNames(
      context.db,
      top.map((t) => t.id),
    );
    const topCustomers = top.map((t) => {
      const who = names.get(t.id);
      return {
        customer: who?.external_id ?? t.id,
        name: who ? (context.caller.canSeePii ? who.name : maskName(who.name)) : null,
        group: t.group,
        predicted_clv: r2(t.clv),
        predicted_purchases: r6(t.purchases),
        p_alive: r6(t.alive),
        historical_clv: r2(t.revenue),
      };
    });

    const formula = await retentionFormula(context.db, end, context.timezone, input.monthly_discount_rate);

    const total = [...groups.values()].reduce(
      (s, g) => ({ customers: s.customers + g.customers, clv: s.clv + g.clv, revenue: s.revenue + g.revenue }),
      { customers: 0, clv: 0, revenue: 0 },
    );
    const unitWord = input.time_unit;
    const modelName = input.model === "pareto_nbd" ? "Pareto/NBD" : "BG/NBD";
    const summaryText =
      `${modelName} + Gamma-Gamma on ${customers.toLocaleString("en-US")} customers with orders up to ${end}: ` +
      `average predicted CLV over the next ${input.horizon_weeks} weeks ${r2(total.clv / total.customers)} ${context.currency} ` +
      `(discounted ${input.monthly_discount_rate * 100}% a month), historical CLV ${r2(total.revenue / total.customers)} ${context.currency}` +
      (rows.length > 1 && rows[0] ? `; ${rows[0].group} holds the most predicted value.` : ".");
    return {
      summary: summaryText,
      model: input.model,
      period: {
        observation_end: end,
        timezone: context.timezone,
        time_unit: unitWord,
        horizon_weeks: input.horizon_weeks,
      },
      parameters: {
        purchase_model: { model: modelName, ...parameters, log_likelihood: r6(logLikelihood), converged },
        spend_model: {
          model: "Gamma-Gamma",
          p: r6(gg.p),
          q: r6(gg.q),
          v: r6(gg.v),
          log_likelihood: r6(ggLogLikelihood),
          fitted_on_customers: repeatBuyers,
          used: spendModelOk,
        },
      },
      definitions: {
        summary_data:
          "One purchase = the orders of a customer on one day (business time zone). x = purchase days after the first, " +
          `t_x = time from the first to the last purchase day, T = time from the first purchase day to the observation end, in ${unitWord}s. ` +
          "Customers without an order on or before the end are not modelled.",
        purchase_model:
          modelName === "BG/NBD"
            ? `BG/NBD (Fader, Hardie & Lee 2005): while alive a customer buys at rate lambda ~ Gamma(r, alpha) per ${unitWord}; after each repeat purchase they drop out with probability p ~ Beta(a, b). Fitted by maximum likelihood.`
            : `Pareto/NBD: purchase rate lambda ~ Gamma(r, alpha), lifetime exponential with rate mu ~ Gamma(s, beta), per ${unitWord}. Fitted by maximum likelihood.`,
        spend_model: spendModelOk
          ? "Gamma-Gamma (Fader, Hardie & Lee 2005) on the mean order-day value of repeat buyers; a customer's expected value per purchase shrinks their own mean towards the population mean v*p/(q-1). Assumes value is independent of frequency."
          : "Too few repeat buyers for Gamma-Gamma: every customer's value per purchase is the mean repeat purchase value.",
        predicted_purchases: `Expected purchases in the next ${input.horizon_weeks} weeks given the customer's history.`,
        p_alive: "Probability the customer has not dropped out by the observation end.",
        predicted_clv: `Sum over months of expected purchases in the month x expected value per purchase / (1 + ${input.monthly_discount_rate})^month, over ${input.horizon_weeks} weeks (lifetimes' customer_lifetime_value with ${r6(DAYS_PER_MONTH)}-day months). Revenue, not margin.`,
        historical_clv: "Revenue to date (all orders up to the observation end) per customer.",
        cac: `Paid CAC = ad spend of the channel's campaigns from ${cacWindow.since} to ${end} / customers who signed up through that channel in the same days (ad spend only, not fully loaded).`,
        clv_cac_ratio: "(average historical CLV + average predicted CLV) of the channel's customers / CAC.",
        currency: context.currency,
      },
      rows,
      top_customers: topCustomers,
      retention_formula_clv: formula,
      value_tiers: tiers ? describeThresholds(tiers) : undefined,
      pii: input.top_customers > 0 ? maskingNote(context.caller) : undefined,
      data_freshness: { last_order_at: (await fetchFreshness(context.db)).last_order_at },
    };
  },
});

/**
 * The retention formula on yearly periods (m = revenue per buyer in the last 12 months, r = share of the previous
 * 12 months' buyers who bought again); with under two years of orders, on half-years instead, and says so.
 */
async function retentionFormula(db: Queryable, end: string, timezone: string, monthlyRate: number) {
  let months = 12;
  let retention = await fetchRetention(db, end, timezone, 364);
  if (retention.previous_buyers === 0) {
    months = 6;
    retention = await fetchRetention(db, end, timezone, 182);
  }
  const i = (1 + monthlyRate) ** months - 1;
  const r = retention.previous_buyers > 0 ? retention.retained / retention.previous_buyers : null;
  const m = retention.current_buyers > 0 ? retention.current_revenue / retention.current_buyers : null;
  return {
    formula:
      "CLV = m * r / (1 + i - r) per period: infinite horizon, first margin at the end of period 1, acquisition cost not subtracted",
    period: months === 12 ? "12 months (364 days)" : "6 months (182 days): less than two years of orders",
    m_revenue_per_buyer_last_period: m === null ? null : r2(m),
    r_retention: r === null ? null : r6(r),
    i_discount_rate_per_period: r6(i),
    buyers_previous_period: retention.previous_buyers,
    retained_buyers: retention.retained,
    clv: m !== null && r !== null ? r2(simpleClv(m, r, i)) : null,
  };
}
