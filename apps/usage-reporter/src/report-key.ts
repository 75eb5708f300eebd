// Report keys sort by the instant their totals are true as of: the API hands out whatever
// `reports/latest.json` names, and a run must be able to tell whether that is older than its own.
export const REPORTS_PREFIX = 'reports/';

const keyPattern =
  /^reports\/\d{4}\/\d{2}\/\d{2}\/usage-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})\.(\d{3})Z-[0-9a-f]+\.json$/;

/**
 * `reports/<yyyy>/<mm>/<dd>/usage-<yyyymmddThhmmss.sssZ>-<runId>.json`, dated by the period's end
 * (ISO 8601 basic format, UTC). The run id keeps two runs with the same snapshot time apart.
 */
export function reportKey(periodEnd: Date, runId: string): string {
  if (!/^[0-9a-f]+$/.test(runId)) throw new Error(`run id ${runId} is not lowercase hex`);
  const iso = periodEnd.toISOString();
  const [date = '', time = ''] = iso.split('T');
  const [year, month, day] = date.split('-');
  return `${REPORTS_PREFIX}${year}/${month}/${day}/usage-${date.replaceAll('-', '')}T${time.replaceAll(':', '')}-${runId}.json`;
}

/** The period end a report key carries, or undefined for a key this reporter did not write. */
export function periodEndOf(key: string): Date | undefined {
  const match = keyPattern.exec(key);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, millisecond] = match;
  const time = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}.${millisecond}Z`);
  return Number.isNaN(time.getTime()) ? undefined : time;
}
