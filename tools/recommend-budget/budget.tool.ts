import { insertProposal } from "../budget-proposals/proposals.queries.ts";
import { formatChange, formatCount, formatMoney } from "../number-format.ts";
import { addDays, todayIn } from "../period.ts";
import { defineTool, ToolInputError } from "../tool.ts";
import { fetchPaidChannels } from "./budget.queries.ts";
import { RecommendBudgetInput } from "./budget.schema.ts";
import { type ChannelHistory, fullWeeks, loadHistories } from "./budget-data.ts";
import { type Curve, curveMarginal, curveValue } from "./curves.model.ts";
import { type FittedChannel, fitResponseCurve, TRUST_MULTIPLE } from "./fit.model.ts";
import { quantile } from "./minimise.model.ts";
import { type BudgetChannel, optimiseBudget } from "./optimise.model.ts";
import { returnsExplained } from "./returns-explained.ts";
import { whatIfMove } from "./whatif.model.ts";

const money = (x: number) => Math.round(x * 100) / 100;
const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
/** Weeks of history whose average is "current spend". */
const CURRENT_WEEKS = 4;

interface Held {
  channel: string;
  /** Current run rate, and the weekly budget it is held at (the same unless limits move it). */
  currentWeekly: number;
  weeklySpend: number;
  weeklyOutcome: number;
  reason: string;
}

export const recommendBudgetTool = defineTool({
  name: "recommend_budget",
  description:
    "Recommends how to split a marketing budget across paid channels: fits each channel's response curve (log, Hill, " +
    "exponential, logistic, with carry-over) to weekly spend and attributed outcome, then finds the allocation with equal " +
    "marginal returns under min/max, change limits and locked channels, or the largest budget above a target marginal ROAS. " +
    "Returns current vs recommended budgets, expected outcome with a bootstrap band, average vs marginal ROAS per channel " +
    "(with a sentence on why they differ), curve fits, and a what-if move (amount or amount_pct). Nothing is stored " +
    "unless save_proposal is true: then it becomes a proposal a manager can approve. It never changes ad-platform budgets.",
  input: RecommendBudgetInput,
  roles: ["marketer", "manager", "admin"],
  access: "write",
  async run(input, context) {
    const today = todayIn(context);
    const requestedEnd = input.end ?? addDays(today, -1);
    const requestedStart = input.start ?? addDays(requestedEnd, -52 * 7 + 1);
    const weeks = fullWeeks(requestedStart, requestedEnd);
    if (weeks.mondays.length < 8) {
      throw new ToolInputError(
        `start/end: the history ${requestedStart}..${requestedEnd} holds ${weeks.mondays.length} full weeks; at least 8 are needed to fit a curve`,
      );
    }
    const paid = await fetchPaidChannels(context.db);
    const known = new Set(paid);
    const named = [
      ...(input.channels ?? []),
      ...input.locked,
      ...Object.keys(input.limits),
      ...(input.move ? [input.move.from, input.move.to] : []),
    ];
    const unknown = named.filter((c) => !known.has(c));
    if (unknown.length > 0) {
      throw new ToolInputError(
        `unknown or unpaid channel code(s) ${[...new Set(unknown)].join(", ")}; paid channels: ${paid.join(", ")}`,
      );
    }
    const filter = {
      start: weeks.start,
      end: weeks.end,
      timezone: context.timezone,
      lookbackDays: 30,
      firstOrdersOnly: input.conversion === "first_orders",
      region: null,
      acquisitionChannelId: null,
      granularity: "channel" as const,
    };
    const { histories, marginMissing } = await loadHistories(
      context.db,
      filter,
      weeks.mondays,
      input.outcome,
      input.attribution,
    );
    if (input.outcome === "gross_margin" && marginMissing > 0) {
      throw new ToolInputError(
        `outcome: ${marginMissing} orders in the window have no margin recorded, so gross margin cannot be optimised; use revenue or import margins`,
      );
    }
    const wanted = new Set(input.channels ?? paid);
    const scope = histories.filter((h) => wanted.has(h.channel) && known.has(h.channel) && h.spend.some((s) => s > 0));
    if (scope.length === 0)
      throw new ToolInputError("channels: none of the chosen paid channels spent anything in the history window");

    const horizon = input.horizon_weeks;
    const fits = new Map<string, FittedChannel>();
    const held: Held[] = [];
    for (const history of scope) {
      const hold = (reason: string) => {
        // A held channel keeps its current budget unless the user set limits for it: then the nearest allowed amount.
        const current = recentAverage(history.spend) * horizon;
        const limit = input.limits[history.channel];
        const budget = Math.min(Math.max(current, limit?.min ?? current), limit?.max ?? Number.POSITIVE_INFINITY);
        held.push({
          channel: history.channel,
          currentWeekly: current / horizon,
          weeklySpend: budget / horizon,
          weeklyOutcome: recentAverage(history.outcome),
          reason: budget === current ? reason : `${reason}; set to the nearest amount your limits allow`,
        });
      };
      if (input.locked.includes(history.channel)) {
        hold("locked by request");
        continue;
      }
      const fit = fitResponseCurve(history.spend, history.outcome, { seed: 7, bootstrap: 200 });
      if (fit.status === "ok") fits.set(history.channel, fit);
      else hold(`not enough data to estimate the curve: ${fit.reason}`);
    }
    const currentWeeklyTotal = scope.reduce((s, h) => s + recentAverage(h.spend), 0);
    // The optimiser works on horizon totals, in cents: the weekly curve f becomes horizon x f(x / horizon).
    // Held channels keep their current budget to the cent, so the free channels share exactly what is left.
    const heldTotal = money(held.reduce((sum, h) => sum + money(h.weeklySpend * horizon), 0));
    const optimiseOptions =
      input.target_marginal_roas !== undefined
        ? { targetMarginal: input.target_marginal_roas }
        : { total: money(money(input.total_budget ?? currentWeeklyTotal * horizon) - heldTotal) };
    const fitted = scope.filter((h) => fits.has(h.channel));
    const trustCaps = trustRegionCaps(fitted, horizon, optimiseOptions.total);
    const channelsWith = (caps: Map<string, number>): BudgetChannel[] =>
      fitted.map((h) => {
        const limit = input.limits[h.channel];
        return {
          name: h.channel,
          curve: overHorizon((fits.get(h.channel) as FittedChannel).curve, horizon),
          current: recentAverage(h.spend) * horizon,
          min: limit?.min,
          // The user's own limits win over the trust region.
          max: limit?.max ?? (caps.has(h.channel) ? Math.max(caps.get(h.channel) ?? 0, limit?.min ?? 0) : undefined),
        };
      });
    const channels = channelsWith(trustCaps);
    if (optimiseOptions.total !== undefined && optimiseOptions.total < 0) {
      throw new ToolInputError(
        `total_budget: ${formatMoney(input.total_budget ?? currentWeeklyTotal * horizon, context.currency)}${input.total_budget === undefined ? " (the current run rate)" : ""} is less than the ${formatMoney(heldTotal, context.currency)} held by channels that stay at their current budget (${held.map((h) => h.channel).join(", ")})`,
      );
    }
    let allocation: ReturnType<typeof optimiseBudget>;
    try {
      const settings = {
        ...optimiseOptions,
        maxChange: input.max_change_pct === undefined ? undefined : input.max_change_pct / 100,
      };
      try {
        allocation = optimiseBudget(channels, settings);
      } catch (error) {
        // The trust region is a default, not a user constraint: when it makes the user's constraints infeasible, drop it.
        if (!(error instanceof RangeError)) throw error;
        allocation = optimiseBudget(channelsWith(new Map()), settings);
      }
    } catch (error) {
      if (error instanceof RangeError) throw new ToolInputError(`constraints: ${error.message}`);
      throw error;
    }

    const history = new Map(scope.map((h) => [h.channel, h]));
    const rows = [
      ...allocation.channels.map((a) => {
        const fit = fits.get(a.name) as FittedChannel;
        const current = channels.find((c) => c.name === a.name)?.current ?? 0;
        return {
          channel: a.name,
          status: "fitted" as const,
          current: money(current),
          recommended: a.spend,
          change: money(a.spend - current),
          change_pct: current > 0 ? r4((a.spend - current) / current) : null,
          expected_outcome_current: money((fit.baseline + curveValue(fit.curve, current / horizon)) * horizon),
          expected_outcome_recommended: money(fit.baseline * horizon + a.outcome),
          average_roas_current: averageRoas(history.get(a.name) as ChannelHistory),
          marginal_roas_current: r4(curveMarginal(fit.curve, current / horizon)),
          marginal_roas_recommended: r4(a.marginal),
          bound: a.bound,
          curve: describeFit(fit, history.get(a.name) as ChannelHistory),
        };
      }),
      ...held.map((h) => ({
        channel: h.channel,
        status: "held" as const,
        reason: h.reason,
        current: money(h.currentWeekly * horizon),
        recommended: money(h.weeklySpend * horizon),
        change: money((h.weeklySpend - h.currentWeekly) * horizon),
        change_pct: h.currentWeekly > 0 ? r4((h.weeklySpend - h.currentWeekly) / h.currentWeekly) : null,
        expected_outcome_current: money(h.weeklyOutcome * horizon),
        expected_outcome_recommended: money(h.weeklyOutcome * horizon),
      })),
    ];
    const heldOutcome = held.reduce((s, h) => s + h.weeklyOutcome, 0);
    const totalCurrent = rows.reduce((s, r) => s + r.expected_outcome_current, 0);
    const totalRecommended = rows.reduce((s, r) => s + r.expected_outcome_recommended, 0);
    const band = outcomeBand(
      allocation.channels.map((a) => ({ fit: fits.get(a.name) as FittedChannel, spend: a.exactSpend / horizon })),
      heldOutcome,
      horizon,
    );
    const whatIf = input.move ? runWhatIf(input.move, fits, channels, horizon, context.currency) : undefined;
    const saving = input.save_proposal || input.revises_proposal_id !== undefined;
    const budgetTotal = money(allocation.total + heldTotal);
    // Conversions are (fractional) orders, not money.
    const outcomeText = (x: number) =>
      input.outcome === "conversions" ? formatCount(x, 1) : formatMoney(x, context.currency);
    const result = {
      summary:
        `${allocation.mode === "target" ? `Largest budget keeping marginal ROAS >= ${input.target_marginal_roas}: ` : "Recommended split of "}` +
        `${formatMoney(budgetTotal, context.currency)} over ${horizon} weeks: expected ${input.outcome.replace("_", " ")} ` +
        `${outcomeText(totalRecommended)} vs ${outcomeText(totalCurrent)} at the current split ` +
        `(${totalCurrent > 0 ? formatChange(totalRecommended / totalCurrent - 1) : "n/a"}). ` +
        `Biggest moves: ${biggestMoves(rows, context.currency)}. ` +
        (saving
          ? "Saved as a proposal: a manager must approve before anything changes."
          : "Not saved: ask to propose it (save_proposal) to submit it for a manager's approval."),
      proposal_id: null as number | null,
      status: saving ? "proposed" : "not_saved",
      period: {
        history_start: weeks.start,
        history_end: weeks.end,
        weeks: weeks.mondays.length,
        horizon_weeks: horizon,
        timezone: context.timezone,
      },
      totals: {
        budget: budgetTotal,
        current_budget: money(currentWeeklyTotal * horizon),
        expected_outcome_current: money(totalCurrent),
        expected_outcome_recommended: money(totalRecommended),
        expected_outcome_band: band,
      },
      rows,
      optimality: {
        lambda_marginal_roas: allocation.lambda === null ? null : r4(allocation.lambda),
        free_channels: allocation.optimality.freeChannels,
        marginal_spread: r4(allocation.optimality.marginalSpread),
        exact: allocation.optimality.exact,
        statement:
          "At the optimum every channel not held by a bound has the same marginal return (lambda); marginal_spread is the largest difference between them.",
      },
      what_if: whatIf,
      returns_explained: returnsExplained(rows, context.currency),
      curve_points: input.include_curves ? curvePoints(allocation.channels, fits, channels, horizon) : undefined,
      assumptions: [
        `Curves are fitted on ${weeks.mondays.length} full weeks ${weeks.start}..${weeks.end}; budgets are totals over ${horizon} weeks spent evenly.`,
        `Outcome = ${input.outcome} of ${input.conversion === "first_orders" ? "first orders" : "all orders"}, credited by ${input.attribution === "markov" ? "last touch per week, scaled per channel by its Markov / last-touch ratio over the window" : "last touch"} (30-day lookback).`,
        `Current budget = average weekly spend of the last ${CURRENT_WEEKS} weeks x horizon.`,
        "Channels without a reliable curve are held at their current budget.",
        "Form chosen per channel by rolling-origin cross-validation; band = 5th-95th percentile over 200 bootstrap resamples of weeks (conditional on the chosen form).",
      ],
      currency: context.currency,
    };
    if (!saving) return result;
    result.proposal_id = await insertProposal(context.db, {
      author: context.caller.userId,
      authorRole: context.caller.role,
      inputs: input,
      result,
      totalBudget: budgetTotal,
      expectedOutcome: money(totalRecommended),
      revisesId: await checkRevision(context.db, input.revises_proposal_id),
    });
    return result;
  },
});

/** A weekly curve as a curve of the total spent evenly over `horizon` weeks: horizon x f(x / horizon). */
function overHorizon(curve: Curve, horizon: number): Curve {
  return horizon === 1 ? curve : { form: "sum", terms: [{ curve, scale: 1 / horizon, weight: horizon }] };
}

/** Attributed outcome per unit of spend over the last few weeks: the "ROAS" reports show, an average. */
function averageRoas(history: ChannelHistory): number | null {
  const spend = recentAverage(history.spend);
  return spend > 0 ? r4(recentAverage(history.outcome) / spend) : null;
}

/** Average of the last few weeks: the current run rate. */
function recentAverage(series: readonly number[]): number {
  const tail = series.slice(-CURRENT_WEEKS);
  return tail.reduce((s, v) => s + v, 0) / Math.max(1, tail.length);
}

function describeFit(fit: FittedChannel, history: ChannelHistory) {
  return {
    form: fit.form,
    parameters: fit.responseCurve,
    adstock_carryover: fit.theta,
    r2: r4(fit.quality.r2),
    mape: r4(fit.quality.mape),
    weeks: fit.weeks,
    calibration_factor: r4(history.calibration),
  };
}

/** 5th-95th percentile of total outcome over the horizon, pairing bootstrap draw i of every channel. */
function outcomeBand(allocated: { fit: FittedChannel; spend: number }[], heldOutcome: number, horizon: number) {
  const draws = Math.min(...allocated.map((a) => a.fit.draws?.length ?? 0));
  if (!Number.isFinite(draws) || draws < 20) return null;
  const totals: number[] = [];
  for (let i = 0; i < draws; i++) {
    let total = heldOutcome;
    for (const a of allocated) {
      const d = a.fit.draws?.[i];
      if (d) total += d.baseline + curveValue(d.curve, a.spend);
    }
    totals.push(total * horizon);
  }
  totals.sort((x, y) => x - y);
  return { p05: money(quantile(totals, 0.05)), p95: money(quantile(totals, 0.95)), resamples: draws };
}

function runWhatIf(
  move: { from: string; to: string; amount?: number; amount_pct?: number },
  fits: Map<string, FittedChannel>,
  channels: BudgetChannel[],
  horizon: number,
  currency: string,
) {
  const side = (name: string) => {
    const fit = fits.get(name);
    if (!fit)
      throw new ToolInputError(
        `move: ${name} has no fitted curve (held at its current budget), so a move cannot be estimated`,
      );
    const current = (channels.find((c) => c.name === name)?.current ?? 0) / horizon;
    return { name, curve: fit.curve, spend: current, draws: fit.draws?.map((d) => d.curve as Curve) };
  };
  const from = side(move.from);
  // amount_pct is a share of the from channel's current budget, so "move 20% of Baidu" needs no extra call.
  const amount = move.amount ?? (from.spend * horizon * (move.amount_pct ?? 0)) / 100;
  try {
    const r = whatIfMove(from, side(move.to), amount / horizon);
    const change = money(r.change * horizon);
    return {
      from: move.from,
      to: move.to,
      amount: money(amount),
      amount_pct: move.amount_pct ?? (from.spend > 0 ? r4((amount / (from.spend * horizon)) * 100) : null),
      from_budget_before: money(from.spend * horizon),
      expected_change: change,
      expected_change_from: money(r.from.outcomeChange * horizon),
      expected_change_to: money(r.to.outcomeChange * horizon),
      band: r.band ? { p05: money(r.band.p05 * horizon), p95: money(r.band.p95 * horizon) } : null,
      summary:
        `Moving ${formatMoney(amount, currency)} from ${move.from} to ${move.to} over ${horizon} weeks: ` +
        `${move.from} ${formatMoney(r.from.outcomeChange * horizon, currency, true)}, ${move.to} ` +
        `${formatMoney(r.to.outcomeChange * horizon, currency, true)}, net ${formatMoney(change, currency, true)} expected.`,
    };
  } catch (error) {
    if (error instanceof RangeError) throw new ToolInputError(`move: ${error.message} (weekly)`);
    throw error;
  }
}

/** Points of each fitted curve over the horizon, for a chart with current and recommended budgets marked. */
function curvePoints(
  allocated: { name: string; spend: number }[],
  fits: Map<string, FittedChannel>,
  channels: BudgetChannel[],
  horizon: number,
) {
  return allocated.map((a) => {
    const fit = fits.get(a.name) as FittedChannel;
    const current = (channels.find((c) => c.name === a.name)?.current ?? 0) / horizon;
    const weekly = a.spend / horizon;
    const top = Math.max(current, weekly) * 1.6 || 1;
    const points = Array.from({ length: 9 }, (_, i) => {
      const x = (top * i) / 8;
      return { spend: money(x * horizon), outcome: money((fit.baseline + curveValue(fit.curve, x)) * horizon) };
    });
    return { channel: a.name, points, current: money(current * horizon), recommended: a.spend };
  });
}

function biggestMoves(rows: { channel: string; change: number }[], currency: string): string {
  const moves = [...rows]
    .filter((r) => Math.abs(r.change) >= 0.01)
    .sort((a, b) => Math.abs(b.change) - Math.abs(a.change))
    .slice(0, 3);
  return moves.length ? moves.map((r) => `${r.channel} ${formatMoney(r.change, currency, true)}`).join(", ") : "none";
}

async function checkRevision(db: Parameters<typeof insertProposal>[0], id: number | undefined): Promise<number | null> {
  if (id === undefined) return null;
  const { rows } = await db.query<{ status: string }>("SELECT status FROM budget_proposals WHERE id = $1", [id]);
  if (!rows[0]) throw new ToolInputError(`revises_proposal_id: no budget proposal with id ${id}`);
  if (rows[0].status !== "proposed")
    throw new ToolInputError(
      `revises_proposal_id: proposal ${id} is ${rows[0].status}; only open proposals can be adjusted`,
    );
  return id;
}

/**
 * Per-channel caps (horizon totals) that keep the optimiser where the curves were fitted: a curve fitted on
 * weekly spend up to X says little about 30X, and extrapolating a steep fit there promised absurd returns.
 * When the budget to place exceeds the caps' sum, they grow in proportion so the budget still fits.
 */
function trustRegionCaps(
  fitted: { channel: string; spend: number[] }[],
  horizon: number,
  total: number | undefined,
): Map<string, number> {
  const caps = new Map(fitted.map((h) => [h.channel, TRUST_MULTIPLE * Math.max(0, ...h.spend) * horizon]));
  const sum = [...caps.values()].reduce((s, v) => s + v, 0);
  const scale = total !== undefined && sum > 0 && total > sum ? total / sum : 1;
  return new Map([...caps].map(([channel, cap]) => [channel, cap * scale]));
}
