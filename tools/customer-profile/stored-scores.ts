// The customer scores the derived-data refresh stores in dataset_facts (derived/customer-scores.ts writes them, the
// customer profile reads them): their keys and shapes, here in tools/ so the reader does not import the writer.
import type { PurchaseModel, SpendModel } from "../estimate-clv/clv-fit.model.ts";

export const CLV_MODEL_KEY = "clv_model";
export const RFM_THRESHOLDS_KEY = "rfm_thresholds";

/** When no score can be stored: why, and what data the attempt saw. */
export interface UnavailableScores {
  available: false;
  reason: string;
  computed_at: string;
  timezone: string;
  observation_end: string | null;
}

/** dataset_facts['clv_model']: estimate_clv's default model fitted on every customer with orders. */
export type StoredClvModel =
  | UnavailableScores
  | {
      available: true;
      computed_at: string;
      timezone: string;
      /** The latest order day: histories run from each customer's first order to this day. */
      observation_end: string;
      first_order_day: string;
      time_unit: "day" | "week";
      horizon_weeks: number;
      monthly_discount_rate: number;
      purchase: PurchaseModel;
      spend: SpendModel;
      log_likelihood: number;
      converged: boolean;
      /** Customers with orders the model was fitted on, repeat buyers among them, and the sampling step. */
      customers: number;
      repeat_buyers: number;
      sample_every: number;
    };

/** dataset_facts['rfm_thresholds']: segment_customers' default-period RFM thresholds (quantile + 1). */
export type StoredRfmThresholds =
  | UnavailableScores
  | {
      available: true;
      computed_at: string;
      timezone: string;
      observation_end: string;
      start: string;
      analysis_date: string;
      edges: { recency: number[]; frequency: number[]; monetary: number[] };
      customers_scored: number;
      /** Buyers per reference segment name. */
      segment_sizes: Record<string, number>;
    };
