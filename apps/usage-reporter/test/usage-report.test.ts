import { describe, expect, test } from 'vitest';
import { buildUsageReport, usageReportSchema } from '../src/usage-report.ts';

const asOf = new Date('2026-07-14T09:05:03.007Z');
const row = (ownerSub: string, uploads: number, bytes: number, updatedAt: string) => ({
  ownerSub,
  uploads,
  bytes,
  updatedAt: new Date(updatedAt),
});

describe('buildUsageReport', () => {
  test('the period ends at the snapshot and reaches one interval back; activity is judged against it', () => {
    const report = buildUsageReport({
      snapshot: {
        asOf,
        rows: [
          row('a', 2, 10, '2026-07-13T09:05:03.007Z'), // exactly at the start: inside
          row('b', 1, 5, '2026-07-13T09:05:03.006Z'), // a millisecond before: outside
        ],
      },
      periodHours: 24,
      generatedAt: new Date('2026-07-14T09:05:04.000Z'),
    });
    expect(report).toEqual({
      schemaVersion: 1,
      generatedAt: '2026-07-14T09:05:04.000Z',
      period: { start: '2026-07-13T09:05:03.007Z', end: '2026-07-14T09:05:03.007Z' },
      totals: { owners: 2, activeOwners: 1, uploads: 3, bytes: 15 },
      owners: [
        {
          ownerSub: 'a',
          uploads: 2,
          bytes: 10,
          lastUploadAt: '2026-07-13T09:05:03.007Z',
          activeInPeriod: true,
        },
        {
          ownerSub: 'b',
          uploads: 1,
          bytes: 5,
          lastUploadAt: '2026-07-13T09:05:03.006Z',
          activeInPeriod: false,
        },
      ],
    });
    expect(usageReportSchema.parse(report)).toEqual(report);
  });

  test('an empty ledger is a report with zero totals, not an error', () => {
    const report = buildUsageReport({ snapshot: { asOf, rows: [] }, periodHours: 1, generatedAt: asOf });
    expect(report.totals).toEqual({ owners: 0, activeOwners: 0, uploads: 0, bytes: 0 });
    expect(report.owners).toEqual([]);
  });

  test('refuses totals a JSON number cannot hold exactly, rather than rounding them', () => {
    const huge = Number.MAX_SAFE_INTEGER;
    expect(() =>
      buildUsageReport({
        snapshot: {
          asOf,
          rows: [row('a', 1, huge, '2026-07-14T00:00:00Z'), row('b', 1, 1, '2026-07-14T00:00:00Z')],
        },
        periodHours: 24,
        generatedAt: asOf,
      }),
    ).toThrow('the total of bytes is beyond what a JSON number holds exactly');
  });
});
