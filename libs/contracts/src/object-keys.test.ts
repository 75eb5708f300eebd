import { describe, expect, test } from 'vitest';
import { parseReportKey, parseUploadKey, reportKey, uploadKey } from './index.ts';

// A Cognito sub and a UUIDv7, as the api issues them.
const address = {
  ownerSub: '3f1c2a4e-7b8d-4e2f-9a01-23456789abcd',
  uploadId: '0198c6a2-4f1e-7c3b-8d2a-1b2c3d4e5f60',
};

describe('upload keys: the api writes them, the upload-processor reads them', () => {
  test('the key the api signs is read back as the same owner and upload', () => {
    const key = uploadKey(address);
    expect(key).toBe(`incoming/${address.ownerSub}/${address.uploadId}`);
    expect(parseUploadKey(key)).toEqual(address);
  });

  test.each([
    { ownerSub: 'sub-1', uploadId: 'up-1' },
    { ownerSub: 'a', uploadId: 'b' },
    { ownerSub: 'eu-west-1:sub', uploadId: 'x.y_z' },
  ])('round-trips %o', (other) => {
    expect(parseUploadKey(uploadKey(other))).toEqual(other);
  });

  test.each([
    ['an empty owner', { ownerSub: '', uploadId: 'up-1' }],
    ['an empty upload id', { ownerSub: 'sub-1', uploadId: '' }],
    ['an owner with a slash', { ownerSub: 'sub/1', uploadId: 'up-1' }],
    ['an upload id with a slash', { ownerSub: 'sub-1', uploadId: 'up/1' }],
  ])('no key is made for %s: it would be read back as another upload, or none', (_, bad) => {
    expect(() => uploadKey(bad)).toThrow('cannot address an upload');
  });

  test.each([
    'reports/x/y',
    'incoming/sub-1/0190-abc/',
    'incoming/sub-1/0190-abc/red flower.jpg',
    'incoming/sub-1/',
    'incoming//id',
    'incoming/sub-1',
    'incoming/',
    'Incoming/sub-1/up-1',
  ])('%s is refused: the api never writes such a key', (key) => {
    expect(parseUploadKey(key)).toBeUndefined();
  });
});

describe('report keys: the usage-reporter writes them, the api and the next run read them', () => {
  const asOf = new Date('2026-07-14T09:05:03.007Z');

  test('dated by the period end, and read back as the same period end and run', () => {
    const key = reportKey(asOf, '0a1b2c3d');
    expect(key).toBe('reports/2026/07/14/usage-20260714T090503.007Z-0a1b2c3d.json');
    expect(parseReportKey(key)).toEqual({ periodEnd: asOf, runId: '0a1b2c3d' });
  });

  test.each(['1970-01-01T00:00:00.000Z', '2026-02-28T23:59:59.999Z', '2028-02-29T12:00:00.000Z'])(
    'round-trips %s',
    (iso) => {
      expect(parseReportKey(reportKey(new Date(iso), 'ff'))).toEqual({
        periodEnd: new Date(iso),
        runId: 'ff',
      });
    },
  );

  test('keys sort by period end', () => {
    const ends = ['2026-12-31T23:59:59.999Z', '2027-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'];
    const keys = ends.map((iso) => reportKey(new Date(iso), 'ff'));
    expect(keys.sort().map((key) => parseReportKey(key)?.periodEnd.toISOString())).toEqual([...ends].sort());
  });

  test('no key is made for a run id that is not lowercase hex', () => {
    expect(() => reportKey(asOf, '../x')).toThrow('is not lowercase hex');
  });

  test.each([
    ['the pointer itself', 'reports/latest.json'],
    ['an older format', 'reports/2026/05/04/usage-20260504T090000Z.json'],
    ['a month the calendar lacks', 'reports/2026/13/14/usage-20261314T090503.007Z-aa.json'],
    ['a day the calendar lacks', 'reports/2026/02/30/usage-20260230T090503.007Z-aa.json'],
    ['a folder that is not the period end', 'reports/2026/07/15/usage-20260714T090503.007Z-aa.json'],
    ['an uppercase run id', 'reports/2026/07/14/usage-20260714T090503.007Z-AA.json'],
    ['no run id', 'reports/2026/07/14/usage-20260714T090503.007Z-.json'],
    ['another prefix', 'incoming/2026/07/14/usage-20260714T090503.007Z-aa.json'],
  ])('%s is refused: the reporter never writes it', (_, key) => {
    expect(parseReportKey(key)).toBeUndefined();
  });
});
