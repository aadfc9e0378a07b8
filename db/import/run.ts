// The import loop: read the header, stream and validate every row inside one transaction, write in batches
// while the file is still clean, keep validating (without writing) after the first problem, then commit or roll back.
// With --skip-invalid, rows with problems are left out (listed in a rejects CSV) and the rest is committed.
import { basename, extname } from "node:path";
import { isSupportedCountry } from "libphonenumber-js/max";
import type pg from "pg";
import { AppError } from "../../errors.ts";
import type { Database } from "../pool.ts";
import { useDetectedPlatform } from "./ad-platforms.ts";
import { CsvFormatError, type CsvReader, type CsvRecord } from "./csv-reader.ts";
import { baseCurrencyOf, convertForeignOrders, FxConverter } from "./currency.ts";
import { FutureDates, idFields, scientificIdProblem } from "./doubtful.ts";
import type { EntityImporter, ImportSession, Located, RowProblem } from "./entity.ts";
import { ImportValidationError, MAX_PROBLEMS } from "./errors.ts";
import { IMPORTERS } from "./importers.ts";
import { SeenKeys } from "./key-set.ts";
import {
  type ColumnPlan,
  type DateOrderDecision,
  decideDateOrder,
  type Head,
  openImportFile,
  planColumns,
  readHeader,
} from "./plan.ts";
import { References } from "./references.ts";
import { type RejectedRow, RejectsWriter, rejectsPath } from "./rejects.ts";
import { printTimings, TIMINGS_SERIAL, timed } from "./timings.ts";
import type { ImportEntity, ImportOptions, ImportProblem, ImportReport } from "./types.ts";
import { columnsToWrite, type DbRecord, upsertRecords, WRITTEN_KEYS_TABLE, type WriteCounts } from "./upsert.ts";
import { DEFAULT_PHONE_REGION, type ValueContext } from "./values.ts";

/** Rows per INSERT: large enough to amortise round trips, small enough to keep memory flat. */
const BATCH_ROWS = 5000;
/** How often (in rows) the progress callback is called; it throttles its own output. */
const PROGRESS_EVERY = 1000;
const TOTAL_ROW = /^(?:total|totals|grand total|合计|总计|汇总)(?:$|[\s:：(（-])/i;
const CHANNELS_EMPTY =
  "the channels table is empty: add your channels first (beacon channels add <code> --name ... --type ... --platform ..., " +
  "or beacon import channels <channels.csv>), or load the demo data (beacon demo)";

/**
 * Imports one CSV file all-or-nothing; throws ImportValidationError (nothing written) when any row is invalid.
 * With `skipInvalid`, commits the valid rows and lists the others in a rejects CSV.
 */
export async function importCsv(
  db: Database,
  entity: ImportEntity,
  filePath: string,
  options: ImportOptions,
): Promise<ImportReport> {
  const started = performance.now();
  const importer = IMPORTERS[entity] as unknown as EntityImporter;
  checkOptions(options);
  const reader = await openImportFile(filePath);
  let head: Head;
  let plan: ColumnPlan;
  let decision: DateOrderDecision;
  try {
    head = await readHeader(reader, importer, filePath);
    plan = planColumns(importer, head.header, options, filePath, head.line);
    decision = await decideDateOrder(head, reader.records, plan, importer, filePath, options.dateOrder);
  } catch (error) {
    await reader.records.return(undefined); // closes the file
    throw error;
  }
  const context: ValueContext = {
    timezone: options.timezone,
    dateOrder: decision.order,
    phoneRegion: options.phoneRegion ?? DEFAULT_PHONE_REGION,
  };
  const notes: string[] = [...head.notes, ...plan.notes];
  const rejects = options.skipInvalid ? await openRejects(filePath, head.header, notes) : undefined;
  const client = await db.pool.connect();
  try {
    await client.query("BEGIN");
    if (db.kind === "postgres") {
      // The import's statements are many and short, or few and scanning whole tables: JIT compilation costs more
      // than it saves on both (1.5 s of a 15 s attribution rebuild), and the rebuild's sort fits in 64 MB, not 4.
      await client.query("SET LOCAL jit = off");
      await client.query("SET LOCAL work_mem = '64MB'");
    }
    const run = new ImportRun(importer, client, plan, context, options, filePath, notes, head.preamble, rejects);
    await run.start();
    await timed("read, validate and write batches", () =>
      run.consume(decision.records, progressReporter(reader, options)),
    );
    const counts = await timed("finish", () => run.finish());
    if (run.problems.total > 0) {
      throw new ImportValidationError(filePath, run.problems.sorted(), run.problems.total);
    }
    if (run.rows === 0) throw new ImportValidationError(filePath, [{ line: 0, reason: run.noDataRows() }]);
    // Orders are stored in BEACON_CURRENCY: those in another currency are converted at their day's rate (or refused).
    if (entity === "orders") {
      notes.push(...(await timed("currency", () => convertForeignOrders(client, options, filePath))));
    }
    if (options.dryRun) await client.query("ROLLBACK");
    else {
      // What the import wrote changes derived tables (which touch closed which order, daily totals): the caller's
      // refresh brings them up to date in the same transaction.
      await options.refreshDerived?.(client, {
        entity,
        keysTable: importer.target.track ? WRITTEN_KEYS_TABLE : null,
        timezone: options.timezone,
      });
      await client.query(
        `INSERT INTO import_log (entity, file_name, file_sha256, rows_total, inserted, updated)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [entity, basename(filePath), reader.sha256(), run.rows, counts.inserted, counts.written - counts.inserted],
      );
      await timed("commit", () => client.query("COMMIT"));
    }
    await rejects?.close();
    printTimings();
    return {
      entity,
      file: filePath,
      rows: run.rows,
      inserted: counts.inserted,
      updated: counts.written - counts.inserted,
      unchanged: counts.written - counts.inserted - counts.changed,
      dryRun: options.dryRun === true,
      seconds: Math.round(performance.now() - started) / 1000,
      ignoredColumns: plan.ignored,
      notes: [...notes, ...run.tallied()],
      warnings: run.warnings(),
      rejected: rejects?.count ?? 0,
      ...(rejects && rejects.count > 0 ? { rejectsFile: rejects.path } : {}),
      ...(run.customers ? { customers: run.customers } : {}),
    };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    await decision.records.return(undefined);
    await rejects?.close().catch(() => undefined);
    if (error instanceof CsvFormatError) {
      throw new ImportValidationError(filePath, [{ line: error.line, reason: error.message }]);
    }
    throw error;
  } finally {
    client.release();
  }
}

function checkOptions(options: ImportOptions): void {
  try {
    new Intl.DateTimeFormat("en", { timeZone: options.timezone });
  } catch {
    throw new AppError("invalid_input", `unknown time zone "${options.timezone}" (expected e.g. Asia/Shanghai)`);
  }
  if (options.phoneRegion !== undefined && !isSupportedCountry(options.phoneRegion)) {
    throw new AppError(
      "invalid_input",
      `unknown phone region "${options.phoneRegion}" (expected an ISO 3166 country code such as CN, US or GB)`,
    );
  }
  if (options.currency !== undefined && !/^[A-Z]{3}$/.test(options.currency)) {
    throw new AppError("invalid_input", `currency must be a 3-letter ISO code such as CNY, got "${options.currency}"`);
  }
}

async function openRejects(filePath: string, header: string[], notes: string[]): Promise<RejectsWriter> {
  const where = await rejectsPath(filePath);
  if (where.note) notes.push(where.note);
  return new RejectsWriter(where.path, header);
}

/** Calls options.onProgress with rows so far and bytes read (the callback decides when to show it). */
function progressReporter(
  reader: CsvReader,
  options: ImportOptions,
): ((rows: number, done: boolean) => void) | undefined {
  const onProgress = options.onProgress;
  if (!onProgress) return undefined;
  return (rows, done) => onProgress({ rows, bytesRead: reader.bytesRead(), totalBytes: reader.size, done });
}

/** Problems in full up to MAX_PROBLEMS, counted beyond. */
class ProblemList {
  private readonly list: ImportProblem[] = [];
  total = 0;

  add(problem: ImportProblem): void {
    this.total++;
    if (this.list.length < MAX_PROBLEMS) this.list.push(problem);
  }

  sorted(): ImportProblem[] {
    return [...this.list].sort((a, b) => a.line - b.line);
  }
}

/** Records resolved by prepare() and kept after the duplicate rule, with the keys to remember once written. */
interface Deduped {
  kept: Located<DbRecord>[];
  keys: [key: string, line: number][];
  problems: ImportProblem[];
}

/** State of one import inside its transaction. */
class ImportRun {
  readonly problems = new ProblemList();
  rows = 0;
  /** Customers the file's customer columns created or updated (orders, touchpoints, nps). */
  get customers(): ImportSession["customers"] {
    return this.session.customers;
  }
  private readonly session: ImportSession;
  private readonly schema: ReturnType<EntityImporter["schema"]>;
  private readonly ids: [field: string, index: number][];
  private readonly future: FutureDates;
  private readonly counts: WriteCounts = { inserted: 0, changed: 0, written: 0 };
  private readonly tallies = new Map<string, number>();
  private readonly seenKeys = new SeenKeys();
  private pending: Located<Record<string, unknown>>[] = [];
  /** --skip-invalid: the fields of the pending rows (to write them out if the database refuses them). */
  private pendingFields = new Map<number, readonly string[]>();
  /** --skip-invalid: rows left out since the last batch, written in line order with the batch's own. */
  private rejected: RejectedRow[] = [];
  /** The batch being written while the next one is read (a server works while Node parses). */
  private inflight: Promise<void> = Promise.resolve();
  private skippedTotals = 0;
  private skippedBlank = 0;

  constructor(
    private readonly importer: EntityImporter,
    private readonly client: pg.PoolClient,
    private readonly plan: ColumnPlan,
    context: ValueContext,
    options: ImportOptions,
    private readonly filePath: string,
    notes: string[],
    preamble: readonly string[],
    private readonly rejects: RejectsWriter | undefined,
  ) {
    this.schema = importer.schema(context);
    this.ids = idFields(importer).flatMap((f) => plan.columns.filter(([field]) => field === f));
    this.future = new FutureDates(importer, plan.present, context.timezone);
    this.session = {
      client,
      refs: new References(client),
      context,
      dataset: options.dataset ?? basename(filePath, extname(filePath)),
      currency: options.currency ?? baseCurrencyOf(options),
      present: plan.present,
      file: filePath,
      preamble,
      head: { line: plan.headerLine, of: plan.headerOf, platform: plan.platform },
      fx: new FxConverter(
        client,
        baseCurrencyOf(options),
        new Map(Object.entries(options.fxRates ?? {})),
        options.currency,
        `beacon import ${importer.entity} ${filePath}`,
      ),
      tally: (note, count = 1) => this.tallies.set(note, (this.tallies.get(note) ?? 0) + count),
      note: (text) => notes.push(text),
    };
  }

  /** Loads catalogues and checks what does not depend on rows (empty channel table, --channel). */
  async start(): Promise<void> {
    if (this.importer.needsChannels(this.plan.present)) {
      // A platform named by the header gets its channel from the catalogue, created there if missing.
      if (this.plan.platform) {
        this.session.note(await useDetectedPlatform(this.session.client, this.plan, this.filePath));
      }
      if ((await this.session.refs.loadChannels()) === 0) {
        throw new ImportValidationError(this.filePath, [{ line: 0, reason: CHANNELS_EMPTY }]);
      }
      const [field, value] = this.plan.fromOptions[0] ?? [];
      if (field && value !== undefined) {
        const check = field === "platform" ? this.session.refs.platform(value) : this.session.refs.channel(value);
        if (!check.ok) {
          throw new ImportValidationError(this.filePath, [{ line: 0, column: "--channel", reason: check.error }]);
        }
      }
    }
    if (this.importer.target.track) {
      // What the batches write, for the refresh of the derived tables at the end (dropped with the transaction).
      await this.client.query(`CREATE TEMP TABLE IF NOT EXISTS ${WRITTEN_KEYS_TABLE} (id bigint) ON COMMIT DROP`);
    }
    await this.importer.begin?.(this.session);
  }

  /** Validates every record; batches valid rows for resolution and writing. */
  async consume(records: AsyncIterable<CsvRecord>, progress?: (rows: number, done: boolean) => void): Promise<void> {
    let read = 0;
    try {
      for await (const record of records) {
        await this.accept(record);
        if (progress && ++read % PROGRESS_EVERY === 0) progress(read, false);
      }
    } catch (error) {
      // Broken quoting ends the parse; report it with what was found before it (a partial load cannot go on either).
      if (!(error instanceof CsvFormatError)) {
        await this.inflight.catch(() => undefined);
        throw error;
      }
      this.problems.add({ line: error.line, reason: error.message });
    }
    await this.flush();
    await this.inflight;
    progress?.(read, true);
  }

  private async accept(record: CsvRecord): Promise<void> {
    const { line, fields } = record;
    if (fields.every((f) => f.trim() === "")) {
      this.skippedBlank++;
      return;
    }
    const width = this.plan.header.length;
    if (fields.length > width && fields.slice(width).some((f) => f.trim() !== "")) {
      this.rows++;
      return this.reject(line, fields, [
        { line, reason: `has ${fields.length} fields but the header has ${width} (an unquoted delimiter?)` },
      ]);
    }
    if (fields.length < width) {
      this.rows++;
      return this.reject(line, fields, [{ line, reason: `has ${fields.length} fields but the header has ${width}` }]);
    }
    if (fields.some((f) => f.includes("\uFFFD"))) {
      this.rows++;
      return this.reject(line, fields, [
        { line, reason: "contains bytes that are not UTF-8 text; save the file as 'CSV UTF-8'" },
      ]);
    }
    const raw: Record<string, string | undefined> = {};
    for (const [field, index] of this.plan.columns) raw[field] = fields[index];
    for (const [field, value] of this.plan.fromOptions) raw[field] = value;
    const result = this.schema.safeParse(raw);
    const problems: ImportProblem[] = [];
    if (!result.success) {
      const first = fields.find((f) => f.trim() !== "")?.trim() ?? "";
      // Report exports end with "Total" rows that are not data; they only fail validation, so skip them then.
      if (TOTAL_ROW.test(first)) {
        this.skippedTotals++;
        return;
      }
      for (const issue of result.error.issues) {
        const field = issue.path.length > 0 ? String(issue.path[0]) : undefined;
        const given = field === undefined ? undefined : raw[field]?.trim();
        problems.push({
          line,
          ...(field !== undefined ? { column: this.plan.headerOf(field) ?? field } : {}),
          reason: given ? `${issue.message}; got "${truncate(given)}"` : issue.message,
        });
      }
    }
    for (const [field, index] of this.ids) {
      const reason = scientificIdProblem(fields[index]);
      if (reason) problems.push({ line, column: this.plan.headerOf(field) ?? field, reason });
    }
    if (result.success && this.future.active) {
      for (const p of this.future.check(line, result.data as Record<string, unknown>)) problems.push(this.located(p));
    }
    this.rows++;
    if (problems.length > 0 || !result.success) return this.reject(line, fields, problems);
    this.pending.push({ line, value: result.data });
    if (this.rejects) this.pendingFields.set(line, fields);
    if (this.pending.length >= BATCH_ROWS || this.rejected.length >= BATCH_ROWS) await this.flush();
  }

  /** A row with problems: a refusal of the file by default, a row left out with --skip-invalid. */
  private reject(line: number, fields: readonly string[], problems: ImportProblem[]): void {
    if (!this.rejects) {
      for (const p of problems) this.problems.add(p);
      return;
    }
    this.rejected.push({ line, fields, problems });
  }

  /** Hands the pending rows to the writer; waits for the batch before it first (one batch in flight). */
  private async flush(): Promise<void> {
    await this.inflight;
    const batch = this.pending;
    const fields = this.pendingFields;
    const rejected = this.rejected;
    this.pending = [];
    this.pendingFields = new Map();
    this.rejected = [];
    if (batch.length === 0 && rejected.length === 0) return;
    this.inflight = this.rejects
      ? this.writeSkipping(batch, fields, rejected, this.rejects)
      : this.writeAllOrNothing(batch);
    // Failures surface at the next await of `inflight`; this keeps an early one from being reported as unhandled.
    this.inflight.catch(() => undefined);
    // Timing an import: one batch at a time, so each phase's time is its own (not overlapped with parsing).
    if (TIMINGS_SERIAL) await this.inflight.catch(() => undefined);
  }

  /** Default mode: any problem stops the writing (the transaction will roll back), validation goes on. */
  private async writeAllOrNothing(batch: Located<Record<string, unknown>>[]): Promise<void> {
    if (batch.length === 0) return;
    const prepared = await timed("prepare (customers)", () => this.importer.prepare(batch as never, this.session));
    for (const p of prepared.problems) this.problems.add(this.located(p));
    const deduped = this.dedupe(prepared.records);
    for (const p of deduped.problems) this.problems.add(p);
    // After the first problem nothing more is written: the transaction will roll back anyway.
    if (this.problems.total > 0 || deduped.kept.length === 0) return;
    try {
      this.add(await timed("write", () => this.write(deduped.kept)));
    } catch (error) {
      const first = deduped.kept[0]?.line ?? 0;
      const last = deduped.kept[deduped.kept.length - 1]?.line ?? 0;
      throw new ImportValidationError(this.filePath, [
        { line: first, reason: `the database refused the rows on lines ${first}-${last}: ${messageOf(error)}` },
      ]);
    }
    this.remember(deduped.keys);
  }

  /**
   * --skip-invalid: resolves the batch (rows prepare() refuses become rejects), then writes it inside a savepoint;
   * when the database refuses the write (a constraint), that write is rolled back and the records are halved until
   * the refused ones are found alone, so they become rejects and the rest is written. prepare() runs once per batch:
   * what it created (customers named by a row) stays, since its own values were valid.
   */
  private async writeSkipping(
    batch: Located<Record<string, unknown>>[],
    fields: Map<number, readonly string[]>,
    rejected: RejectedRow[],
    rejects: RejectsWriter,
  ): Promise<void> {
    if (batch.length > 0) {
      const prepared = await this.importer.prepare(batch as never, this.session);
      const byLine = new Map<number, ImportProblem[]>();
      for (const p of prepared.problems) byLine.set(p.line, [...(byLine.get(p.line) ?? []), this.located(p)]);
      const deduped = this.dedupe(prepared.records.filter((r) => !byLine.has(r.line)));
      for (const p of deduped.problems) byLine.set(p.line, [...(byLine.get(p.line) ?? []), p]);
      for (const [line, problems] of byLine) rejected.push({ line, fields: fields.get(line) ?? [], problems });
      const written = new Set(await this.writeFindingRefused(deduped.kept, fields, rejected));
      this.remember(deduped.keys.filter(([, line]) => written.has(line)));
      // Customers made for rows that were then left out (refused by the database, repeated keys) go with them.
      await this.session.afterSkippingWrite?.(this.importer.target.table);
    }
    rejected.sort((a, b) => a.line - b.line);
    await rejects.write(rejected);
  }

  /** Writes the records in a savepoint, bisecting a refused write down to the refused rows; returns lines written. */
  private async writeFindingRefused(
    records: Located<DbRecord>[],
    fields: Map<number, readonly string[]>,
    rejected: RejectedRow[],
  ): Promise<number[]> {
    if (records.length === 0) return [];
    await this.client.query("SAVEPOINT import_write");
    try {
      const counts = await this.write(records);
      await this.client.query("RELEASE SAVEPOINT import_write");
      this.add(counts);
      return records.map((r) => r.line);
    } catch (error) {
      if (!isDatabaseError(error)) throw error;
      await this.client.query("ROLLBACK TO SAVEPOINT import_write");
      await this.client.query("RELEASE SAVEPOINT import_write");
      const [only] = records;
      if (records.length === 1 && only) {
        const problem = { line: only.line, reason: `the database refused this row: ${messageOf(error)}` };
        rejected.push({ line: only.line, fields: fields.get(only.line) ?? [], problems: [problem] });
        return [];
      }
      const half = Math.ceil(records.length / 2);
      return [
        ...(await this.writeFindingRefused(records.slice(0, half), fields, rejected)),
        ...(await this.writeFindingRefused(records.slice(half), fields, rejected)),
      ];
    }
  }

  private write(records: Located<DbRecord>[]): Promise<WriteCounts> {
    const values = records.map((r) => r.value);
    return this.importer.write
      ? this.importer.write(values, this.session)
      : upsertRecords(
          this.session.client,
          this.importer.target,
          columnsToWrite(this.importer.target, this.plan.present),
          values,
        );
  }

  private located(problem: RowProblem): ImportProblem {
    const column = problem.field === undefined ? undefined : (this.plan.headerOf(problem.field) ?? problem.field);
    return { line: problem.line, ...(column !== undefined ? { column } : {}), reason: problem.reason };
  }

  /** Applies the entity's duplicate rule to keys seen earlier in the file (across batches). */
  private dedupe(records: Located<DbRecord>[]): Deduped {
    const out: Deduped = { kept: [], keys: [], problems: [] };
    if (this.importer.duplicates === "sum") {
      out.kept = records;
      return out;
    }
    const batchKeys = new Map<string, number>();
    for (const record of records) {
      const key = this.importer.target.conflict.map((c) => String(record.value[c])).join("\u0000");
      const first = this.seenKeys.get(key) ?? batchKeys.get(key);
      if (first === undefined) {
        batchKeys.set(key, record.line);
        out.kept.push(record);
      } else if (this.importer.duplicates === "collapse") {
        this.session.tally(`same ${this.importer.keyDescription} as an earlier row (stored once)`);
      } else {
        out.problems.push({
          line: record.line,
          reason: `repeats line ${first}: same ${this.importer.keyDescription}${this.importer.duplicateHint ?? ""}`,
        });
      }
    }
    out.keys = [...batchKeys];
    return out;
  }

  /** Keys of written rows, for the duplicate rule of later batches. */
  private remember(keys: [string, number][]): void {
    for (const [key, line] of keys) this.seenKeys.set(key, line);
  }

  private add(counts: WriteCounts): void {
    this.counts.inserted += counts.inserted;
    this.counts.changed += counts.changed;
    this.counts.written += counts.written;
  }

  /** Runs the entity's last step when the file was valid; returns the totals. */
  async finish(): Promise<WriteCounts> {
    if (this.problems.total === 0 && this.importer.finish) {
      const extra = await this.importer.finish(this.session);
      if (extra) this.add(extra);
    }
    return this.counts;
  }

  /** Why a file with no data rows is refused (it would otherwise "import" 0 rows and look fine). */
  noDataRows(): string {
    const skipped = [
      this.skippedBlank > 0 ? `${this.skippedBlank} empty row(s)` : "",
      this.skippedTotals > 0 ? `${this.skippedTotals} "Total" row(s)` : "",
    ].filter(Boolean);
    return `the file has a header but no data rows${skipped.length > 0 ? ` (only ${skipped.join(" and ")})` : ""}`;
  }

  /** Notes from tallies and skipped rows. */
  tallied(): string[] {
    const notes = [...this.tallies].map(([note, n]) => `${note}: ${n} row${n === 1 ? "" : "s"}`);
    if (this.skippedTotals > 0) notes.push(`skipped ${this.skippedTotals} "Total" row(s) of the report`);
    if (this.skippedBlank > 0) notes.push(`skipped ${this.skippedBlank} row(s) with only empty fields`);
    return notes;
  }

  /** Doubtful values imported as written. */
  warnings(): string[] {
    return this.future.warnings((field) => this.plan.headerOf(field));
  }
}

/** A database error (SQLSTATE code), as opposed to a bug in the importer. */
function isDatabaseError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
