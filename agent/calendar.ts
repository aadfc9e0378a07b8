import { addDays } from "../tools/period.ts";

/** Named periods resolved to explicit dates, so the model never has to do calendar arithmetic. */
export function namedPeriods(today: string, fiscalStartMonth: number): Record<string, [string, string]> {
  const [year, month] = today.split("-").map(Number) as [number, number];
  const monthStart = (y: number, m: number) => {
    const d = new Date(Date.UTC(y, m - 1, 1));
    return d.toISOString().slice(0, 10);
  };
  const monthEnd = (y: number, m: number) => addDays(monthStart(y, m + 1), -1);
  const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday = 0
  const thisWeek = addDays(today, -weekday);
  const quarterStartMonth = month - ((month - 1) % 3);
  const fiscalOffset = (month - fiscalStartMonth + 12) % 12;
  const fiscalQuarterStartMonth = month - (fiscalOffset % 3);
  const fiscalYearStart = monthStart(fiscalOffset > month - 1 ? year - 1 : year, fiscalStartMonth);
  return {
    yesterday: [addDays(today, -1), addDays(today, -1)],
    "last 7 days (complete days)": [addDays(today, -7), addDays(today, -1)],
    "last 30 days (complete days)": [addDays(today, -30), addDays(today, -1)],
    "this week (Mon-today)": [thisWeek, today],
    "last week (Mon-Sun)": [addDays(thisWeek, -7), addDays(thisWeek, -1)],
    "this month to date": [monthStart(year, month), today],
    "last month": [monthStart(year, month - 1), monthEnd(year, month - 1)],
    "this quarter to date": [monthStart(year, quarterStartMonth), today],
    "last quarter": [monthStart(year, quarterStartMonth - 3), addDays(monthStart(year, quarterStartMonth), -1)],
    "this fiscal quarter to date": [monthStart(year, fiscalQuarterStartMonth), today],
    "this fiscal year to date": [fiscalYearStart, today],
    "this calendar year to date": [`${year}-01-01`, today],
    "last calendar year": [`${year - 1}-01-01`, `${year - 1}-12-31`],
    "same month last year": [monthStart(year - 1, month), monthEnd(year - 1, month)],
  };
}
