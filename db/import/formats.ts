// Machine-readable import formats (for `beacon import <entity> --help`) and the docs/import-formats.md section built from them.
import type { AnyImporter } from "./entity.ts";
import type { AnyField, FieldType } from "./fields.ts";
import { IMPORTERS } from "./importers.ts";
import { IMPORT_ENTITIES, type ImportEntity } from "./types.ts";

/** One accepted column. */
export interface ColumnFormat {
  name: string;
  type: FieldType;
  /** true, false, or "one of" when the column is required together with alternatives (see requireOneOf). */
  required: boolean | "one of";
  aliases: string[];
  description: string;
  /** Accepted values of an enum column. */
  values?: string[];
}

/** How one entity's CSV must look. */
export interface EntityFormat {
  entity: ImportEntity;
  description: string;
  /** The table rows go to, and the key a re-import matches on. */
  table: string;
  key: string;
  columns: ColumnFormat[];
  /** Groups of columns of which at least one must be present. */
  requireOneOf: string[][];
  /** A header line with every column under its canonical name. */
  exampleHeader: string;
  /** Whether --channel can stand in for a missing channel/platform column. */
  channelOption: string | null;
}

function formatOf(importer: AnyImporter): EntityFormat {
  const groups = (importer.requireOneOf ?? []).map((g: readonly string[]) => [...g]);
  const inGroup = new Set(groups.flat());
  const columns = Object.entries(importer.fields as Record<string, AnyField>).map(([name, f]) => ({
    name,
    type: f.type,
    required: f.required ? true : inGroup.has(name) ? ("one of" as const) : false,
    aliases: [...f.aliases],
    description: f.description,
    ...(f.values ? { values: [...f.values] } : {}),
  }));
  const delimiter = importer.entity === "journeys" ? ";" : ",";
  return {
    entity: importer.entity,
    description: importer.description,
    table: importer.target.table,
    key: importer.keyDescription,
    columns,
    requireOneOf: groups,
    exampleHeader: columns.map((c) => c.name).join(delimiter),
    channelOption: importer.channelField ?? null,
  };
}

/** Every entity's columns: name, type, required, aliases, description. */
export const IMPORT_FORMATS: Record<ImportEntity, EntityFormat> = Object.fromEntries(
  IMPORT_ENTITIES.map((entity) => [entity, formatOf(IMPORTERS[entity] as AnyImporter)]),
) as Record<ImportEntity, EntityFormat>;

const GENERAL = `## Importing CSV exports

\`beacon import <entity> <file.csv> [--dry-run] [--date-order dmy|mdy] [--dataset NAME] [--channel CODE] [--currency CODE] [--fx-rate USD=7.2] [--skip-invalid]\` loads one export
(or \`beacon import <file.csv>\`, which proposes the entity from the header).

- **All or nothing.** Every row is validated; if any row has a problem, nothing is written and every problem is
  listed as \`line N, column "X": reason\` (line 1 is the header). The whole file is written in one transaction.
- **Re-importing is safe.** Rows are matched on their key (below) and updated in place; the report says how many
  rows were inserted, updated, and unchanged. \`--dry-run\` runs the same checks and counts, then rolls back.
- **Headers** are matched ignoring case, spaces, underscores and punctuation, with the aliases real exports use
  (Google Ads, Meta Ads Manager, Baidu, Ocean Engine, CRMs, Chinese headers). A unit in brackets is ignored
  (\`Amount spent (CNY)\`, \`花费(元)\`). Unknown columns are ignored and listed in the report. Title lines above
  the header (Google Ads) and trailing "Total" rows are skipped.
- **File**: UTF-8 with or without BOM (or Excel's UTF-16 "Unicode text"); delimiter \`,\` \`;\` or tab, detected;
  quoted fields may contain delimiters and line breaks. GBK files are refused with a hint to save as CSV UTF-8.
  Files are recognised by their first bytes: an Excel workbook or zip (\`PK\`), an old \`.xls\`, a PDF, an image, gzip, or
  anything with NUL bytes is refused with what it is and how to export CSV (File > Save as > CSV UTF-8); the GBK hint
  is only for text that is not UTF-8. A missing file is reported once, with the path to check.
- **Dates**: \`2026-03-05\`, \`2026-03-05T14:30:00+08:00\` or with a space, \`2026/03/05\`, \`2026.03.05\`,
  \`20260305\`, \`2026年3月5日\`, \`Mar 5, 2026\`, \`5 Mar 2026\`, and \`05/03/2026\`: day-first or month-first is
  decided by \`--date-order\` or by the file itself (any first part above 12 means day-first); otherwise the import
  asks for \`--date-order\`. Times without an offset are in \`BEACON_TIMEZONE\`.
- **Numbers**: \`1,234.50\`, \`1.234,50\`, \`1 234,50\`, \`¥1,234\`, \`CNY 1234\`, \`$12\`, \`12.5%\` where a
  percentage makes sense; \`1,234\` reads as one thousand two hundred thirty-four, \`1.234\` as one point two three
  four. Money is stored exactly (no float rounding).
- **Phones** become digits with country code: \`+86 138 0013 8000\`, \`138-0013-8000\` and \`13800138000\` all become
  \`8613800138000\`. Numbers without \`+\` are read in \`BEACON_DEFAULT_PHONE_REGION\` (CN by default: \`(415) 555-0132\`
  needs \`US\` or \`+1\`); \`+\` numbers keep their own country; invalid numbers are problems of their line and column.
- **References**: customers by their external id (or, in order, touch and NPS files that carry the customer's
  own columns, by e-mail, phone or name; unknown customers are created: see below), channels by code, name, platform or alias (\`beacon channels\`; the
  catalogue itself imports as \`channels\`), campaigns by external id or name. \`--channel CODE\` names the channel of
  a one-platform export that has no channel column.

Load channels first on an installation without the demo, and customers before the files that reference them (orders,
touchpoints, NPS).
`;

/** The docs/import-formats.md section: the general rules, then one table per entity with an example header. */
export function renderImportFormatsMarkdown(): string {
  const sections = IMPORT_ENTITIES.map((entity) => {
    const f = IMPORT_FORMATS[entity];
    const rows = f.columns.map((c) => {
      const required = c.required === true ? "yes" : c.required === "one of" ? "one of*" : "no";
      const notes = [c.description, c.values ? `Values: ${c.values.join(", ")}.` : ""].filter(Boolean).join(" ");
      return `| \`${c.name}\` | ${c.type} | ${required} | ${c.aliases.map(cell).join(", ")} | ${cell(notes)} |`;
    });
    const oneOf = f.requireOneOf.map((g) => `\\* At least one of ${g.map((n) => `\`${n}\``).join(", ")}.`);
    const channel = f.channelOption
      ? [`\`--channel CODE\` can stand in for a missing \`${f.channelOption}\` column.`]
      : [];
    return [
      `### ${entity}`,
      "",
      `${f.description} Written to \`${f.table}\`; re-imports match on ${f.key}.`,
      "",
      "| column | type | required | aliases | notes |",
      "| --- | --- | --- | --- | --- |",
      ...rows,
      "",
      ...(oneOf.length > 0 ? [...oneOf, ""] : []),
      ...(channel.length > 0 ? [...channel, ""] : []),
      "Example header:",
      "",
      "```csv",
      f.exampleHeader,
      "```",
      "",
    ].join("\n");
  });
  return `${GENERAL}\n${sections.join("\n")}`;
}

function cell(text: string): string {
  // "<channel_code>" would otherwise be read as an HTML tag and vanish from the rendered page.
  return text.replaceAll("|", "\\|").replaceAll("<", "&lt;").replaceAll("\n", " ");
}
