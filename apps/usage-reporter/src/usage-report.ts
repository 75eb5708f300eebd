import * as z from 'zod';
import type { UsageSnapshot } from './read-usage.ts';

export const REPORT_SCHEMA_VERSION = 1;

const isoTime = z.iso.datetime({ offset: false, precision: 3 });
const count = z.int().min(0);

/** The report as published: consumers (the API hands it to admins) can parse it with this schema. */
export const usageReportSchema = z.strictObject({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  /** When this run wrote the report. */
  generatedAt: isoTime,
  /** The totals are true as of `end`; `start` is one reporting interval earlier. */
  period: z.strictObject({ start: isoTime, end: isoTime }),
  totals: z.strictObject({
    owners: count,
    /** Owners with at least one upload recorded within the period. */
    activeOwners: count,
    uploads: count,
    bytes: count,
  }),
  owners: z.array(
    z.strictObject({
      ownerSub: z.string().min(1),
      /** Lifetime totals as of `period.end`. */
      uploads: count,
      bytes: count,
      lastUploadAt: isoTime,
      activeInPeriod: z.boolean(),
    }),
  ),
});

export type UsageReport = z.output<typeof usageReportSchema>;

export interface ReportInput {
  snapshot: UsageSnapshot;
  periodHours: number;
  generatedAt: Date;
}

export function buildUsageReport({ snapshot, periodHours, generatedAt }: ReportInput): UsageReport {
  const end = snapshot.asOf;
  const start = new Date(end.getTime() - periodHours * 3_600_000);
  const owners = snapshot.rows.map((row) => ({
    ownerSub: row.ownerSub,
    uploads: row.uploads,
    bytes: row.bytes,
    lastUploadAt: row.updatedAt.toISOString(),
    activeInPeriod: row.updatedAt >= start,
  }));
  const sum = (what: string, pick: (owner: (typeof owners)[number]) => number) => {
    const total = owners.reduce((subtotal, owner) => subtotal + pick(owner), 0);
    if (!Number.isSafeInteger(total))
      throw new Error(`the total of ${what} is beyond what a JSON number holds exactly`);
    return total;
  };
  // Parsed on the way out: what is published always matches the published schema.
  return usageReportSchema.parse({
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: generatedAt.toISOString(),
    period: { start: start.toISOString(), end: end.toISOString() },
    totals: {
      owners: owners.length,
      activeOwners: owners.filter((owner) => owner.activeInPeriod).length,
      uploads: sum('uploads', (owner) => owner.uploads),
      bytes: sum('bytes', (owner) => owner.bytes),
    },
    owners,
  });
}
