// What a GA4 export says about itself in its "#" lines. A report (Traffic acquisition) writes
//   # Traffic acquisition: Session primary channel group (Default channel group) / # Account: ... / # Start date: 20260301 / # End date: 20260331
// an exploration writes its property, "# <exploration>-<tab>" and "# 20260301-20260331".

/** The report's name and the range its numbers cover (YYYY-MM-DD), where the comment lines give them. */
export interface ReportRange {
  title: string | null;
  start: string | null;
  end: string | null;
}

const START = /^start date:\s*(\d{8})$/i;
const END = /^end date:\s*(\d{8})$/i;
const SPAN = /^(\d{8})\s*-\s*(\d{8})$/;
/** Lines that are not the report's name: rules, account and property, segments, dates. */
const NOT_TITLE = /^(?:-+|account:.*|property:.*|all users|start date:.*|end date:.*|\d{8}\s*-\s*\d{8})?$/i;

/** Reads the title and date range from a GA4 export's comment lines ("#" already removed). */
export function ga4ReportRange(lines: readonly string[]): ReportRange {
  const range: ReportRange = { title: null, start: null, end: null };
  for (const line of lines) {
    const span = SPAN.exec(line);
    const start = START.exec(line)?.[1] ?? span?.[1];
    const end = END.exec(line)?.[1] ?? span?.[2];
    if (start) range.start = isoDate(start);
    if (end) range.end = isoDate(end);
    if (range.title === null && !NOT_TITLE.test(line)) range.title = line;
  }
  return range;
}

function isoDate(compact: string): string {
  return `${compact.slice(0, 4)}-${compact.slice(4, 6)}-${compact.slice(6, 8)}`;
}
