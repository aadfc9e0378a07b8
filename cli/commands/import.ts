import { parseFxRateOption } from "../../db/import/currency.ts";
import {
  IMPORT_ENTITIES,
  IMPORT_FORMATS,
  type ImportEntity,
  ImportValidationError,
  importCsv,
} from "../../derived/import.ts";
import { AppError } from "../../errors.ts";
import { parseCommandArgs, UsageError } from "../args.ts";
import { log, printJson, withDatabase } from "../context.ts";
import { importProgress } from "../progress.ts";
import { entityOrProposal } from "./import-detect.ts";

const USAGE = `Usage:
  beacon import <entity> <file.csv> [--dry-run] [--dataset NAME] [--date-order ymd|dmy|mdy]
                [--channel CODE] [--currency CODE] [--fx-rate USD=7.2,...] [--skip-invalid]
      entity: ${IMPORT_ENTITIES.join(", ")}
      Validates every row; writes nothing unless the whole file is valid; re-importing updates in place.
      --channel: the channel of a one-platform ad report with no channel column; not needed when its header
                 names the platform (Google Ads, Meta, Tencent Ads, Ocean Engine, Baidu).
      --currency: currency of amounts the file does not name (default BEACON_CURRENCY); others are converted to it.
      --fx-rate: BEACON_CURRENCY per 1 unit of a currency for this run, e.g. USD=7.2 (else the fx_rates table: beacon fx).
      --skip-invalid: import the valid rows and list the others with their reasons in <file>.rejects.csv.
  beacon import <entity> --help     the columns that entity accepts
  beacon import <file.csv> [--yes] [options]
      Proposes the entity from the file's header and exits 2 with the command to run; --yes imports it as
      the proposed entity when the proposal is unambiguous.`;

/** `beacon import`: loads a CSV export all-or-nothing. */
export async function importCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      "dry-run": { type: "boolean" },
      dataset: { type: "string" },
      "date-order": { type: "string" },
      channel: { type: "string" },
      currency: { type: "string" },
      "fx-rate": { type: "string" },
      "skip-invalid": { type: "boolean" },
      help: { type: "boolean" },
      yes: { type: "boolean" },
    },
    USAGE,
  );
  const named = await entityOrProposal(positionals, values.yes === true, USAGE);
  if (typeof named === "number") return named;
  const [entity, file, ...extra] = named;
  if (!entity) throw new UsageError("missing the entity", USAGE);
  if (!(IMPORT_ENTITIES as readonly string[]).includes(entity)) {
    throw new UsageError(`unknown entity "${entity}"; expected one of ${IMPORT_ENTITIES.join(", ")}`, USAGE);
  }
  if (values.help) {
    printJson(IMPORT_FORMATS[entity as ImportEntity]);
    return 0;
  }
  if (!file) throw new UsageError("missing the CSV file path", USAGE);
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(" ")}`, USAGE);
  const dateOrder = values["date-order"];
  if (dateOrder !== undefined && !["ymd", "dmy", "mdy"].includes(dateOrder)) {
    throw new UsageError(`--date-order must be ymd, dmy or mdy, got "${dateOrder}"`, USAGE);
  }
  return withDatabase(async (db, config) => {
    try {
      const report = await importCsv(db, entity as ImportEntity, file, {
        dryRun: values["dry-run"] === true,
        timezone: config.BEACON_TIMEZONE,
        dataset: values.dataset,
        dateOrder: dateOrder as "ymd" | "dmy" | "mdy" | undefined,
        channel: values.channel,
        currency: values.currency,
        baseCurrency: config.BEACON_CURRENCY,
        phoneRegion: config.BEACON_DEFAULT_PHONE_REGION,
        fxRates: fxRatesOption(values["fx-rate"], config.BEACON_CURRENCY),
        skipInvalid: values["skip-invalid"] === true,
        onProgress: importProgress(`beacon import ${entity}`),
      });
      printJson(report);
      if (report.rejected > 0) {
        log(`beacon import: ${report.rejected} row(s) left out, listed with their reasons in ${report.rejectsFile}`);
      }
      return 0;
    } catch (error) {
      if (error instanceof ImportValidationError) {
        log(error.message);
        return 1;
      }
      // Said once, with what to check: the generic AppError printer would repeat the detail line.
      if (error instanceof AppError && error.code === "not_found") {
        log(`beacon import: ${error.userMessage}; check the path (relative paths start at ${process.cwd()})`);
        return 1;
      }
      throw error;
    }
  });
}

/** `--fx-rate USD=7.2,EUR=7.8` as a rate per currency; a malformed value is a usage error. */
function fxRatesOption(text: string | undefined, base: string): Record<string, string> | undefined {
  if (text === undefined) return undefined;
  const parsed = parseFxRateOption(text, base);
  if (!parsed.ok) throw new UsageError(parsed.error, USAGE);
  return Object.fromEntries(parsed.value);
}
