// Entity detection: which importer a file is for, judged by its header alone. Every importer in importers.ts is
// scored with the same header matching and the same column plan the import itself uses, so a new entity takes part
// as soon as it is registered, and "accepted" here means the import would accept the header.
import { matchHeader } from "./columns.ts";
import { CsvFormatError, type CsvRecord } from "./csv-reader.ts";
import type { EntityImporter } from "./entity.ts";
import { ImportValidationError } from "./errors.ts";
import { IMPORTERS } from "./importers.ts";
import { openImportFile, planColumns } from "./plan.ts";
import type { ImportEntity } from "./types.ts";

/** Records searched for the header, as the import does (titles such as Google Ads' report name sit above it). */
const HEADER_SEARCH_RECORDS = 10;
/** A required column counts this many optional ones: the columns an import cannot do without decide first. */
const REQUIRED_WEIGHT = 3;
/** A runner-up scoring at least this share of the best is shown beside it as a possible reading. */
const CLOSE_SHARE = 0.75;

/** How well one entity's columns fit the header. */
export interface EntityCandidate {
  entity: ImportEntity;
  /**
   * "yes": the import accepts the header as it is; "with --channel": only the channel column is missing, which a
   * one-platform export supplies with --channel; "no": required columns are missing.
   */
  accepted: "yes" | "with --channel" | "no";
  /** REQUIRED_WEIGHT per required column (or one-of group) found, plus one per optional column. */
  score: number;
  requiredFound: number;
  requiredTotal: number;
  /** Field -> the header text that gives it, required ones first. */
  matched: { field: string; header: string; required: boolean }[];
  /** Required fields (or "a or b" groups) the header lacks. */
  missing: string[];
  /** Columns of the file this entity would read, of the file's named columns. */
  columnsUsed: number;
  columnsTotal: number;
  /** The header's line in the file. */
  headerLine: number;
  /** Notes of the column plan (platform named by the header, columns superseded). */
  notes: string[];
  /** One line: "orders: 4 of 4 required columns (Order ID, Customer ID, Order Date, Amount), 3 optional (...)". */
  reason: string;
}

/** The proposal for one file. */
export interface EntityDetection {
  /** The best fitting entity, or null when no entity's required columns are all there. */
  proposal: EntityCandidate | null;
  /** A second reading close to the proposal (same acceptance, score within CLOSE_SHARE). */
  runnerUp: EntityCandidate | null;
  /**
   * True when the proposal is accepted as is, no other accepted entity scores as high, and it reads at least half
   * of the file's columns (a CRM deals export also fits customers by its id, name and date, and little else).
   */
  unambiguous: boolean;
  /** Every entity, best first. */
  candidates: EntityCandidate[];
  /** One or two sentences for people: what the file looks like and why. */
  summary: string;
}

/** Reads the first records of `filePath` (after any "#" preamble) and proposes the entity they fit. */
export async function detectEntity(filePath: string): Promise<EntityDetection> {
  const reader = await openImportFile(filePath);
  const records: CsvRecord[] = [];
  try {
    for await (const record of reader.records) {
      records.push(record);
      if (records.length >= HEADER_SEARCH_RECORDS) break;
    }
  } catch (error) {
    if (error instanceof CsvFormatError)
      throw new ImportValidationError(filePath, [{ line: error.line, reason: error.message }]);
    throw error;
  } finally {
    await reader.records.return(undefined);
  }
  if (records.length === 0) {
    throw new ImportValidationError(filePath, [{ line: 0, reason: "the file is empty (no header line)" }]);
  }
  return detectFromRecords(records, filePath);
}

/** Scores every registered importer against the first records of a file (pure; `filePath` only names it in errors). */
export function detectFromRecords(records: readonly CsvRecord[], filePath = "the file"): EntityDetection {
  const candidates = Object.values(IMPORTERS)
    .map((importer) => scoreImporter(importer as unknown as EntityImporter, records, filePath))
    .sort(compareCandidates);
  const [best, second] = candidates;
  const proposal = best && best.accepted !== "no" ? best : null;
  const runnerUp =
    proposal && second && second.accepted === proposal.accepted && second.score >= proposal.score * CLOSE_SHARE
      ? second
      : null;
  const unambiguous =
    proposal?.accepted === "yes" &&
    (runnerUp === null || runnerUp.score < proposal.score) &&
    proposal.columnsUsed * 2 >= proposal.columnsTotal;
  return { proposal, runnerUp, unambiguous, candidates, summary: summarise(proposal, runnerUp, candidates) };
}

const ACCEPTANCE_ORDER: Record<EntityCandidate["accepted"], number> = { yes: 0, "with --channel": 1, no: 2 };

function compareCandidates(a: EntityCandidate, b: EntityCandidate): number {
  return (
    ACCEPTANCE_ORDER[a.accepted] - ACCEPTANCE_ORDER[b.accepted] ||
    b.score - a.score ||
    // Equal scores: the entity that leaves fewer of the file's columns unused reads the file more fully.
    b.matched.length - a.matched.length
  );
}

/** The header the import would pick for this importer: the first record naming two of its fields, else the first. */
function headerFor(records: readonly CsvRecord[], fields: { name: string; aliases: readonly string[] }[]): CsvRecord {
  const found = records.find((r) => matchHeader(r.fields, fields).columns.size >= 2);
  return found ?? (records[0] as CsvRecord);
}

function scoreImporter(importer: EntityImporter, records: readonly CsvRecord[], filePath: string): EntityCandidate {
  const fields = Object.entries(importer.fields).map(([name, f]) => ({ name, aliases: f.aliases }));
  const head = headerFor(records, fields);
  const header = head.fields;
  const match = matchHeader(header, fields);
  const plan = tryPlan(importer, header, filePath, head.line);
  const headerOf = (field: string): string | undefined => {
    const index = match.columns.get(field);
    return index !== undefined ? header[index] : plan.headerOf?.(field);
  };
  // Each required field is a slot, and so is each "one of these" group (campaign name or campaign id).
  const slots = [
    ...Object.entries(importer.fields)
      .filter(([, f]) => f.required)
      .map(([name]) => ({ label: name, members: [name] })),
    ...(importer.requireOneOf ?? []).map((group) => ({ label: group.join(" or "), members: [...group] })),
  ];
  const used = new Set<string>();
  const required: { field: string; header: string }[] = [];
  const missing: string[] = [];
  for (const slot of slots) {
    const field = slot.members.find((f) => headerOf(f) !== undefined);
    if (field === undefined) missing.push(slot.label);
    else {
      used.add(field);
      required.push({ field, header: headerOf(field) as string });
    }
  }
  const optional = [...match.columns.entries()]
    .filter(([field]) => !used.has(field))
    .map(([field, index]) => ({ field, header: header[index] ?? field }));
  const candidate = {
    entity: importer.entity,
    accepted: plan.accepted,
    score: REQUIRED_WEIGHT * required.length + optional.length,
    requiredFound: required.length,
    requiredTotal: slots.length,
    matched: [...required.map((m) => ({ ...m, required: true })), ...optional.map((m) => ({ ...m, required: false }))],
    missing,
    columnsUsed: match.columns.size,
    columnsTotal: header.filter((h) => h.trim() !== "").length,
    headerLine: head.line,
    notes: plan.notes,
  };
  return { ...candidate, reason: describeCandidate(candidate) };
}

/** Whether the import's own column plan accepts the header: as is, with --channel, or not at all. */
function tryPlan(
  importer: EntityImporter,
  header: string[],
  filePath: string,
  line: number,
): { accepted: EntityCandidate["accepted"]; headerOf?: (field: string) => string | undefined; notes: string[] } {
  const attempt = (channel?: string) => {
    try {
      return planColumns(importer, header, { timezone: "UTC", ...(channel ? { channel } : {}) }, filePath, line);
    } catch (error) {
      if (error instanceof ImportValidationError) return null;
      throw error;
    }
  };
  const plain = attempt();
  if (plain) return { accepted: "yes", headerOf: plain.headerOf, notes: plain.notes };
  // The placeholder only tells whether --channel alone would complete the header; it is never looked up.
  if (importer.channelField && attempt("(any)")) return { accepted: "with --channel", notes: [] };
  return { accepted: "no", notes: [] };
}

function describeCandidate(c: Omit<EntityCandidate, "reason">): string {
  const requiredHeaders = c.matched.filter((m) => m.required).map((m) => m.header);
  const optional = c.matched.filter((m) => !m.required).map((m) => m.header);
  const parts = [
    `${c.requiredFound} of ${c.requiredTotal} required column${c.requiredTotal === 1 ? "" : "s"}` +
      (requiredHeaders.length > 0 ? ` (${requiredHeaders.join(", ")})` : ""),
  ];
  if (optional.length > 0) parts.push(`${optional.length} optional (${optional.join(", ")})`);
  if (c.missing.length > 0) parts.push(`missing ${c.missing.join(", ")}`);
  if (c.accepted === "with --channel") parts.push("needs --channel for its channel");
  if (c.columnsUsed * 2 < c.columnsTotal)
    parts.push(`reads only ${c.columnsUsed} of the file's ${c.columnsTotal} columns`);
  const platform = c.notes.find((n) => n.startsWith("platform:"));
  if (platform) parts.push(platform);
  return `${c.entity}: ${parts.join("; ")}`;
}

function summarise(
  proposal: EntityCandidate | null,
  runnerUp: EntityCandidate | null,
  candidates: readonly EntityCandidate[],
): string {
  if (!proposal) {
    const closest = candidates[0];
    return closest
      ? `no entity's required columns are all in the header; closest is ${closest.reason}`
      : "no importers are registered";
  }
  const lead = `looks like ${proposal.entity} (${proposal.reason.slice(proposal.entity.length + 2)})`;
  if (!runnerUp) return lead;
  const tie = runnerUp.score === proposal.score ? "equally" : "almost as well";
  return `${lead}; it fits ${runnerUp.entity} ${tie} (${runnerUp.reason.slice(runnerUp.entity.length + 2)})`;
}
