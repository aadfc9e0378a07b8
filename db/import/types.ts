// Public types of the CSV importer (re-exported by index.ts).
import type { Queryable } from "../pool.ts";
import type { DateOrder } from "./values.ts";

/** The entities `beacon import` accepts, in the order they usually load (channels, then customers before their orders). */
export const IMPORT_ENTITIES = [
  "channels",
  "customers",
  "orders",
  "touchpoints",
  "ad_spend",
  "platform_conversions",
  "web_sessions",
  "nps",
  "tickets",
  "journeys",
  "targets",
] as const;

export type ImportEntity = (typeof IMPORT_ENTITIES)[number];

export interface ImportOptions {
  /** Validate and count (inserted vs updated) inside a transaction that is always rolled back. */
  dryRun?: boolean;
  /** IANA zone for timestamps written without an offset (and for the business date of instants). */
  timezone: string;
  /** journeys only: the data set name; defaults to the file's base name without extension. */
  dataset?: string;
  /** How to read DD/MM/YYYY vs MM/DD/YYYY when the file does not decide it. */
  dateOrder?: DateOrder;
  /**
   * Channel (code, name or platform) for every row of a single-platform export that has no channel column
   * (ad_spend, touchpoints; the platform for platform_conversions).
   */
  channel?: string;
  /** orders, ad_spend: currency for amounts that name none (default: baseCurrency). */
  currency?: string;
  /** BEACON_CURRENCY: the currency every stored amount is in; others are converted (default: `currency`, else CNY). */
  baseCurrency?: string;
  /** BEACON_DEFAULT_PHONE_REGION: ISO 3166 region of phone numbers written without "+" (default CN). */
  phoneRegion?: string;
  /** --fx-rate: units of baseCurrency per 1 unit of each currency, for this run (before fx_rates). */
  fxRates?: Readonly<Record<string, string>>;
  /**
   * Import the valid rows and leave out the others, listing them in `<file>.rejects.csv` (the default is
   * all-or-nothing). Problems with the file as a whole (columns, encoding, broken quoting) still refuse it.
   */
  skipInvalid?: boolean;
  /** Called as rows are read (often; throttle in the caller): rows so far and bytes read of the file's size. */
  onProgress?: (progress: ImportProgress) => void;
  /**
   * Brings the derived tables up to date with what the import wrote, inside its transaction before the commit. The
   * caller passes it in (derived/import.ts passes derived/refresh.ts), so db/ never imports the layers above it;
   * without it nothing derived is refreshed.
   */
  refreshDerived?: (client: Queryable, written: ImportWritten) => Promise<void>;
}

/** What an import wrote, for the derived-data refresh. */
export interface ImportWritten {
  entity: ImportEntity;
  /**
   * The temp table (one bigint column `id`) of the keys of the rows the import inserted or changed, for the entities
   * that track them (orders: order ids; touchpoints: customer ids); null for the others.
   */
  keysTable: string | null;
  /** The import's time zone (the business time zone of the configuration). */
  timezone: string;
}

/** How far an import is. */
export interface ImportProgress {
  rows: number;
  bytesRead: number;
  totalBytes: number;
  /** True on the last call, when every row has been read. */
  done: boolean;
}

export interface ImportReport {
  entity: ImportEntity;
  file: string;
  /** Data rows read (header, blank lines, preamble and "Total" rows not counted). */
  rows: number;
  inserted: number;
  /** Rows that matched an existing row by key (re-imports), whether or not a value changed. */
  updated: number;
  /** Of `updated`, rows whose stored values were already identical (nothing rewritten). */
  unchanged?: number;
  dryRun: boolean;
  seconds: number;
  /** Header texts that matched no column (ignored). */
  ignoredColumns: string[];
  /** How the file was read and anything worth a look (created campaigns, summed duplicates, ...). */
  notes: string[];
  /** Doubtful values that were imported as written (dates in the future): what, how many, the first lines. */
  warnings: string[];
  /** --skip-invalid: rows left out (0 otherwise), and the CSV that lists them with their reasons. */
  rejected: number;
  rejectsFile?: string;
  /** Customers an order, touch or NPS file created or updated through its customer columns. */
  customers?: CustomerCounts;
}

/** Customers created / matched (existing, whether or not a value changed) by one import, and the matching rule. */
export interface CustomerCounts {
  created: number;
  updated: number;
  /** How rows were matched to customers, e.g. "e-mail (case-insensitive), else phone". */
  matchedBy: string;
}

/** One problem found in the file: 1-based file line (header = 1, 0 = the file as a whole), header text, reason. */
export interface ImportProblem {
  line: number;
  column?: string;
  reason: string;
}
