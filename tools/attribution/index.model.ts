// The attribution model list and one dispatcher, so the tool, digests and the CLI pick models by name.
import {
  firstTouch,
  lastNonDirectTouch,
  lastTouch,
  linearTouch,
  positionBased,
  timeDecay,
} from "./heuristics.model.ts";
import type { AttributionResult, Journey } from "./journey.model.ts";
import { type MarkovResult, markovAttribution } from "./markov.model.ts";
import { type ShapleyResult, shapleyAttribution } from "./shapley.model.ts";

export type { AttributionResult, AttributionTotals, ChannelCredit, Journey } from "./journey.model.ts";
export type { MarkovResult, RemovalEffect, TransitionRow } from "./markov.model.ts";
export { type OpenerCloserRow, openersAndClosers } from "./opener-closer.model.ts";
export type { ShapleyResult } from "./shapley.model.ts";

export const ATTRIBUTION_MODELS = [
  "first_touch",
  "last_touch",
  "last_non_direct",
  "linear",
  "time_decay",
  "position_based",
  "markov",
  "shapley",
] as const;
export type AttributionModelName = (typeof ATTRIBUTION_MODELS)[number];

/** One-line definitions that travel with every result ("how I got this"). */
export const MODEL_DEFINITIONS: Record<AttributionModelName, string> = {
  first_touch: "First touch: the first channel of each converting journey gets all its conversions and value.",
  last_touch: "Last touch: the last channel of each converting journey gets all its conversions and value.",
  last_non_direct:
    "Last non-direct touch: the last touch that is not a direct channel gets the credit; all-direct journeys credit their last touch.",
  linear:
    "Linear: every touch gets an equal share; a channel touched twice in a journey gets two shares (ChannelAttribution convention).",
  time_decay:
    "Time decay: touch weight 2^(-age / half-life), normalised per journey; age in days when known, else in touches before the conversion.",
  position_based:
    "Position based: first and last touch get fixed shares (default 40% / 40%), middle touches split the rest; 1 touch 100%, 2 touches split in proportion (50/50).",
  markov:
    "Markov chain (order k, exact absorbing-chain solution): removal effect of a channel = share of conversions lost when every state containing it leads to (null); conversions and value split in proportion to removal effects.",
  shapley:
    "Shapley value over channel sets: each converting journey's conversions and value are shared equally by its distinct channels (exact Shapley of v(S) = conversions of journeys whose channels all lie in S).",
};

/** Every model's parameters in one flat bag; each model reads only its own. */
export interface ModelParams {
  /** last_non_direct: channels that count as direct (case-insensitive); default ["direct"]. */
  directChannels?: readonly string[];
  /** time_decay: half-life in days (in touches for journeys without ageDays); default 7. */
  halfLifeDays?: number;
  /** position_based: first-touch share; default 0.4. */
  firstWeight?: number;
  /** position_based: last-touch share; default 0.4. */
  lastWeight?: number;
  /** markov: touches per state, 1 to 4; default 1. */
  order?: number;
  /** markov: include non-converting journeys as paths to (null); default true. */
  includeNulls?: boolean;
  /** markov: also return the transition matrix as sparse rows; default false. */
  includeTransitionMatrix?: boolean;
  /** shapley: "exact" (subset enumeration, falls back when too many channels) or "simplified"; default "exact". */
  shapleyMethod?: "exact" | "simplified";
  /** shapley: most channels for the exact enumeration; default 15, at most 20. */
  maxExactChannels?: number;
}

interface ModelResults {
  first_touch: AttributionResult;
  last_touch: AttributionResult;
  last_non_direct: AttributionResult;
  linear: AttributionResult;
  time_decay: AttributionResult;
  position_based: AttributionResult;
  markov: MarkovResult;
  shapley: ShapleyResult;
}

/** A model's result labelled with its name and definition. */
export type ModelRun<N extends AttributionModelName = AttributionModelName> = ModelResults[N] & {
  model: N;
  definition: string;
};

const RUNNERS: { [N in AttributionModelName]: (journeys: readonly Journey[], p: ModelParams) => ModelResults[N] } = {
  first_touch: (j) => firstTouch(j),
  last_touch: (j) => lastTouch(j),
  last_non_direct: (j, p) => lastNonDirectTouch(j, { directChannels: p.directChannels }),
  linear: (j) => linearTouch(j),
  time_decay: (j, p) => timeDecay(j, { halfLifeDays: p.halfLifeDays }),
  position_based: (j, p) => positionBased(j, { firstWeight: p.firstWeight, lastWeight: p.lastWeight }),
  markov: (j, p) =>
    markovAttribution(j, {
      order: p.order,
      includeNulls: p.includeNulls,
      includeTransitionMatrix: p.includeTransitionMatrix,
    }),
  shapley: (j, p) => shapleyAttribution(j, { method: p.shapleyMethod, maxExactChannels: p.maxExactChannels }),
};

/** Runs one attribution model by name; throws RangeError on an unknown name or invalid numbers. */
export function runModel<N extends AttributionModelName>(
  name: N,
  journeys: readonly Journey[],
  params: ModelParams = {},
): ModelRun<N> {
  if (!Object.hasOwn(RUNNERS, name)) throw new RangeError(`unknown attribution model "${String(name)}"`);
  const runner = RUNNERS[name] as (journeys: readonly Journey[], p: ModelParams) => ModelResults[N];
  return { ...runner(journeys, params), model: name, definition: MODEL_DEFINITIONS[name] };
}

/** Runs several models (default: all) on the same journeys, for side-by-side comparison. */
export function runModels(
  journeys: readonly Journey[],
  params: ModelParams = {},
  models: readonly AttributionModelName[] = ATTRIBUTION_MODELS,
): ModelRun[] {
  return models.map((m) => runModel(m, journeys, params) as ModelRun);
}
