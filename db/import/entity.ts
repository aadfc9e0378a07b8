// The contract each entity file fulfils, and the session it works in.
import type pg from "pg";
import type { z } from "zod";
import type { AdPlatform } from "./ad-platforms.ts";
import type { FxConverter } from "./currency.ts";
import type { AnyField, RowOf } from "./fields.ts";
import type { References } from "./references.ts";
import type { CustomerCounts, ImportEntity } from "./types.ts";
import type { DbRecord, UpsertTarget, WriteCounts } from "./upsert.ts";
import type { ValueContext } from "./values.ts";

/** A value with the file line it came from. */
export interface Located<T> {
  line: number;
  value: T;
}

/** A problem with one row; `field` is a field name (the runner shows the file's header text). */
export interface RowProblem {
  line: number;
  field?: string;
  reason: string;
}

/** What an import has at hand while it runs: the transaction, lookups, options, and a place for notes. */
export interface ImportSession {
  client: pg.PoolClient;
  refs: References;
  context: ValueContext;
  /** journeys: the data set name. */
  dataset: string;
  /** orders: currency for amounts that name none. */
  currency: string;
  /** Fields present in the file (or supplied by options). */
  present: ReadonlySet<string>;
  /** The file being imported (for file-level problems). */
  file: string;
  /** The "# ..." comment lines above the header (GA4 exports: report name and date range), "#" removed. */
  preamble: readonly string[];
  /** The header: its file line, the text a field was read from ("Amount spent (USD)"), the ad platform it names. */
  head: { line: number; of(field: string): string | undefined; platform: AdPlatform | null };
  /** Converts amounts in other currencies to the base currency (BEACON_CURRENCY) with fx_rates or --fx-rate. */
  fx: FxConverter;
  /** Customers created / updated from customer columns of an order, touch or NPS file (set by the importer). */
  customers?: CustomerCounts;
  /**
   * --skip-invalid: called after each batch is written, with the table written (inline customers remove the ones
   * created for rows that were then left out).
   */
  afterSkippingWrite?(table: string): Promise<void>;
  /** Counts an event for the report's notes ("N rows ..."). */
  tally(note: string, count?: number): void;
  /** Adds a one-off note to the report. */
  note(text: string): void;
}

/** Resolved rows ready to write, and the rows that could not be resolved. */
export interface Prepared {
  records: Located<DbRecord>[];
  problems: RowProblem[];
}

/** One importable entity: its documented columns, its row schema, how it resolves and writes rows. */
export interface EntityImporter<F extends Record<string, AnyField> = Record<string, AnyField>> {
  entity: ImportEntity;
  /** One sentence for the docs. */
  description: string;
  fields: F;
  /** Groups of optional fields of which the file must have at least one (e.g. campaign name or campaign id). */
  requireOneOf?: readonly (readonly (keyof F & string)[])[];
  /** The field `--channel` stands in for when the file has no such column. */
  channelField?: keyof F & string;
  /** Whether rows need the channel catalogue (given the fields present). */
  needsChannels(present: ReadonlySet<string>): boolean;
  target: UpsertTarget;
  /** Human wording of the key re-imports match on, for the docs and duplicate messages. */
  keyDescription: string;
  /** Appended to duplicate-key problems: how to fix the export. */
  duplicateHint?: string;
  /** Two rows of one file with the same key: a problem, counted once, or summed. */
  duplicates: "error" | "collapse" | "sum";
  /** The row schema (zod) for these value settings. */
  schema(context: ValueContext): z.ZodType<RowOf<F>, Record<string, string | undefined>>;
  /** Resolves references (customers, channels, campaigns) and maps rows to database records. */
  prepare(rows: Located<RowOf<F>>[], session: ImportSession): Promise<Prepared>;
  /** Called once inside the transaction before the first batch. */
  begin?(session: ImportSession): Promise<void>;
  /** Writes one batch of records; defaults to an upsert into `target`. */
  write?(records: DbRecord[], session: ImportSession): Promise<WriteCounts>;
  /** Called once after the last batch when the file was valid; may return counts (journeys write here). */
  finish?(session: ImportSession): Promise<WriteCounts | undefined>;
}

/** Keeps the field types of an importer definition (a plain object literal would widen them). */
export function defineImporter<F extends Record<string, AnyField>>(importer: EntityImporter<F>): EntityImporter<F> {
  return importer;
}

/** An importer of any entity (the field types differ per entity). */
// biome-ignore lint/suspicious/noExplicitAny: rows are typed inside each entity; the runner only passes them through
export type AnyImporter = EntityImporter<any>;
