import { describe, expect, test } from 'vitest';
import { parseReportPointer, reportKey, reportPointer } from './index.ts';

const periodEnd = new Date('2026-07-14T09:05:03.007Z');
const key = reportKey(periodEnd, '0a1b2c3d');

describe('the report pointer: the usage-reporter writes it, the api and the next run read it', () => {
  test('the pointer the reporter writes names its report to the api', () => {
    expect(reportPointer(key)).toBe(`{"key":"${key}"}\n`);
    expect(parseReportPointer(reportPointer(key))).toEqual({ ok: true, key, periodEnd });
  });

  test('no pointer is written to something that is not a report', () => {
    expect(() => reportPointer('reports/latest.json')).toThrow('reports/latest.json is not a report key');
  });

  test('an attribute a newer reporter adds does not stop an older api', () => {
    expect(parseReportPointer(JSON.stringify({ key, generatedAt: '2026-07-14T09:06:00Z' }))).toEqual({
      ok: true,
      key,
      periodEnd,
    });
  });

  test.each([
    ['not JSON', 'not json', 'body is not JSON'],
    ['an empty object', '{}', 'key:'],
    ['null', 'null', '(body)'],
    ['a bare key', JSON.stringify(key), '(body)'],
    ['a key that is a number', '{"key":42}', 'key:'],
    ['the pointer itself', '{"key":"reports/latest.json"}', 'key: is not a report key'],
    ['an upload', '{"key":"incoming/sub-1/up-1"}', 'key: is not a report key'],
    [
      'a report of an older format',
      '{"key":"reports/2026/05/04/usage-20260504T090000Z.json"}',
      'key: is not a report key',
    ],
  ])('%s is refused with a reason: the reporter never writes it', (_, body, reason) => {
    const parsed = parseReportPointer(body);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.reason).toContain(reason);
  });
});
