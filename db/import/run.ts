// The import loop: read the header, stream and validate every row inside one transaction, write in batches
// while the file is still clean, keep validating (without writing) after the first problem, then commit or roll back.
import { basename, extname } from "node:path";
import type pg from "pg";
import { AppError } from "../../errors.ts";
import { refreshOrderAttribution } from "../order-attribution.ts";
import type { Database } from "../pool.ts";
import { useDetectedPlatform } from "./ad-platforms.ts";
import { CsvFormatError, type CsvRecord } from "./csv-reader.ts";
import { convertForeignOrders, FxConverter } from "./currency.ts";
import type { EntityImporter, ImportSession, Located, RowProblem } from "./entity.ts";
import { ImportValidationError, MAX_PROBLEMS } from "./errors.ts";
import { IMPORTERS } from "./importers.ts";
import { type ColumnPlan, detectDateOrder, type Head, openImportFile, planColumns, readHeader } from "./plan.ts";
import { References } from "./references.ts";
import type { ImportEntity, ImportOptions, ImportProblem, ImportReport } from "./types.ts";
import { columnsToWrite, type DbRecord, upsertRecords, type WriteCounts } from "./upsert.ts";
import type { ValueContext } from "./values.ts";

/** Rows per INSERT: large enough to amortise round trips, small enough to keep memory flat. */
const BATCH_ROWS = 5000;
const TOTAL_ROW = /^(?:total|totals|grand total|合计|总计|汇总)(?:$|[\s:：(（-])/i;
const CHANNELS_EMPTY =
  "the channels table is empty: channels are the catalogue and are not imported from CSV; " +
  "create them first (beacon demo, or INSERT INTO channels ...)";

/** Imports one CSV file all-or-nothing; throws ImportValidationError (nothing written) when any row is invalid. */
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
  let context: ValueContext;
  try {
    head = await readHeader(reader, importer, filePath);
    plan = planColumns(importer, head.header, options, filePath, head.line);
    context = {
      timezone: options.timezone,
      dateOrder: options.dateOrder ?? (await detectDateOrder(filePath, head.index, plan, importer)),
    };
  } catch (error) {
    await reader.records.return(undefined); // closes the file
    throw error;
  }
  const notes: string[] = [...head.notes, ...plan.notes];
  const client = await db.pool.connect();
  try {
    await client.query("BEGIN");
    const run = new ImportRun(importer, client, plan, context, options, filePath, notes, head.preamble);
    await run.start();
    await run.consume(head.rest, reader.records);
    const counts = await run.finish();
    if (run.problems.total > 0) {
      throw new ImportValidationError(filePath, run.problems.sorted(), run.problems.total);
    }
    // Orders are stored in BEACON_CURRENCY: those in another currency are converted at their day's rate (or refused).
    if (entity === "orders") notes.push(...(await convertForeignOrders(client, options, filePath)));
    if (options.dryRun) await client.query("ROLLBACK");
    else {
      // New orders or touches change which touch closed which order: rebuild the derived table in the same transaction.
      if (entity === "orders" || entity === "touchpoints") await refreshOrderAttribution(client, options.timezone);
      await client.query(
        `INSERT INTO import_log (entity, file_name, file_sha256, rows_total, inserted, updated)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [entity, basename(filePath), reader.sha256(), run.rows, counts.inserted, counts.written - counts.inserted],
      );
      await client.query("COMMIT");
    }
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
      ...(run.customers ? { customers: run.customers } : {}),
    };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    await reader.records.return(undefined);
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
  if (options.currency !== undefined && !/^[A-Z]{3}$/.test(options.currency)) {
    throw new AppError("invalid_input", `currency must be a 3-letter ISO code such as CNY, got "${options.currency}"`);
  }
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
  private readonly counts: WriteCounts = { inserted: 0, changed: 0, written: 0 };
  private readonly tallies = new Map<string, number>();
  private readonly seenKeys = new Map<string, number>();
  private pending: Located<Record<string, unknown>>[] = [];
  private skippedTotals = 0;
  private skippedBlank = 0;

  constructor(
    private readonly importer: EntityImporter,
    client: pg.PoolClient,
    private readonly plan: ColumnPlan,
    context: ValueContext,
    options: ImportOptions,
    private readonly filePath: string,
    notes: string[],
    preamble: readonly string[],
  ) {
    this.schema = importer.schema(context);
    this.session = {
      client,
      refs: new References(client),
      context,
      dataset: options.dataset ?? basename(filePath, extname(filePath)),
      currency: options.currency ?? options.baseCurrency ?? "CNY",
      present: plan.present,
      file: filePath,
      preamble,
      head: { line: plan.headerLine, of: plan.headerOf, platform: plan.platform },
      fx: new FxConverter(
        client,
        options.baseCurrency ?? "CNY",
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
    await this.importer.begin?.(this.session);
  }

  /** Validates every record; batches valid rows for resolution and writing. */
  async consume(buffered: CsvRecord[], records: AsyncIterable<CsvRecord>): Promise<void> {
    try {
      for (const record of buffered) await this.accept(record);
      for await (const record of records) await this.accept(record);
    } catch (error) {
      // Broken quoting ends the parse; report it with what was found before it.
      if (!(error instanceof CsvFormatError)) throw error;
      this.fail({ line: error.line, reason: error.message });
    }
    await this.flush();
  }

  private async accept(record: CsvRecord): Promise<void> {
    const { line, fields } = record;
    if (fields.every((f) => f.trim() === "")) {
      this.skippedBlank++;
      return;
    }
    const width = this.plan.header.length;
    if (fields.length > width && fields.slice(width).some((f) => f.trim() !== "")) {
      this.fail({ line, reason: `has ${fields.length} fields but the header has ${width} (an unquoted delimiter?)` });
      return;
    }
    if (fields.length < width) {
      this.fail({ line, reason: `has ${fields.length} fields but the header has ${width}` });
      return;
    }
    if (fields.some((f) => f.includes("\uFFFD"))) {
      this.fail({ line, reason: "contains bytes that are not UTF-8 text; save the file as 'CSV UTF-8'" });
      return;
    }
    const raw: Record<string, string | undefined> = {};
    for (const [field, index] of this.plan.columns) raw[field] = fields[index];
    for (const [field, value] of this.plan.fromOptions) raw[field] = value;
    const result = this.schema.safeParse(raw);
    if (!result.success) {
      const first = fields.find((f) => f.trim() !== "")?.trim() ?? "";
      // Report exports end with "Total" rows that are not data; they only fail validation, so skip them then.
      if (TOTAL_ROW.test(first)) {
        this.skippedTotals++;
        return;
      }
      this.rows++;
      for (const issue of result.error.issues) {
        const field = issue.path.length > 0 ? String(issue.path[0]) : undefined;
        const given = field === undefined ? undefined : raw[field]?.trim();
        this.fail({
          line,
          ...(field !== undefined ? { column: this.plan.headerOf(field) ?? field } : {}),
          reason: given ? `${issue.message}; got "${truncate(given)}"` : issue.message,
        });
      }
      return;
    }
    this.rows++;
    this.pending.push({ line, value: result.data });
    if (this.pending.length >= BATCH_ROWS) await this.flush();
  }

  private fail(problem: ImportProblem): void {
    this.problems.add(problem);
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const prepared = await this.importer.prepare(batch as never, this.session);
    for (const p of prepared.problems) this.fail(this.located(p));
    const records = this.dedupe(prepared.records);
    // After the first problem nothing more is written: the transaction will roll back anyway.
    if (this.problems.total > 0 || records.length === 0) return;
    const values = records.map((r) => r.value);
    try {
      const counts = this.importer.write
        ? await this.importer.write(values, this.session)
        : await upsertRecords(
            this.session.client,
            this.importer.target,
            columnsToWrite(this.importer.target, this.plan.present),
            values,
          );
      this.add(counts);
    } catch (error) {
      const first = records[0]?.line ?? 0;
      const last = records[records.length - 1]?.line ?? 0;
      const message = error instanceof Error ? error.message : String(error);
      throw new ImportValidationError(this.filePath, [
        { line: first, reason: `the database refused the rows on lines ${first}-${last}: ${message}` },
      ]);
    }
  }

  private located(problem: RowProblem): ImportProblem {
    const column = problem.field === undefined ? undefined : (this.plan.headerOf(problem.field) ?? problem.field);
    return { line: problem.line, ...(column !== undefined ? { column } : {}), reason: problem.reason };
  }

  /** Applies the entity's duplicate rule to keys seen earlier in the file (across batches). */
  private dedupe(records: Located<DbRecord>[]): Located<DbRecord>[] {
    if (this.importer.duplicates === "sum") return records;
    const kept: Located<DbRecord>[] = [];
    for (const record of records) {
      const key = this.importer.target.conflict.map((c) => String(record.value[c])).join("\u0000");
      const first = this.seenKeys.get(key);
      if (first === undefined) {
        this.seenKeys.set(key, record.line);
        kept.push(record);
      } else if (this.importer.duplicates === "collapse") {
        this.session.tally(`same ${this.importer.keyDescription} as an earlier row (stored once)`);
      } else {
        this.fail({
          line: record.line,
          reason: `repeats line ${first}: same ${this.importer.keyDescription}${this.importer.duplicateHint ?? ""}`,
        });
      }
    }
    return kept;
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

  /** Notes from tallies and skipped rows. */
  tallied(): string[] {
    const notes = [...this.tallies].map(([note, n]) => `${note}: ${n} row${n === 1 ? "" : "s"}`);
    if (this.skippedTotals > 0) notes.push(`skipped ${this.skippedTotals} "Total" row(s) of the report`);
    if (this.skippedBlank > 0) notes.push(`skipped ${this.skippedBlank} row(s) with only empty fields`);
    return notes;
  }
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
