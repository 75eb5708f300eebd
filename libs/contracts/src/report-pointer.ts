import * as z from 'zod/mini';
import { parseReportKey } from './object-keys.ts';
import { oneLineReason } from './one-line-reason.ts';

/** The object the usage-reporter points at its newest report, and the api reads to find it. */
export const REPORT_POINTER_KEY = 'reports/latest.json';

const reportPointerBody = z.object({ key: z.string() });

/** The pointer's body: `{"key": "<report key>"}`, for a key `reportKey` made. */
export function reportPointer(key: string): string {
  if (!parseReportKey(key)) throw new Error(`${key} is not a report key`);
  return `${JSON.stringify({ key })}\n`;
}

export type ParsedReportPointer = { ok: true; key: string; periodEnd: Date } | { ok: false; reason: string };

/** The report a pointer names, and its period end. Never throws: anything else comes back with a reason. */
export function parseReportPointer(body: string): ParsedReportPointer {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  const result = reportPointerBody.safeParse(json);
  if (!result.success) return { ok: false, reason: oneLineReason(result.error) };
  const { key } = result.data;
  const report = parseReportKey(key);
  return report
    ? { ok: true, key, periodEnd: report.periodEnd }
    : { ok: false, reason: 'key: is not a report key' };
}
