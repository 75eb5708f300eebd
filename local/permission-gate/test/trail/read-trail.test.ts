import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../src/trail/cloudtrail-record.ts';
import { isDenied, readTrail } from '../../src/trail/read-trail.ts';
import { parseSince, parseTrailArgs } from '../../src/trail/trail-command.ts';
import { fixtureRecords } from './trail-fixtures.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gate-trail-read-'));
  const [first, ...rest] = fixtureRecords();
  await writeFile(join(dir, '2026-02-28.jsonl'), JSON.stringify(first) + '\n');
  await writeFile(
    join(dir, '2026-03-01.jsonl'),
    rest.map((record) => JSON.stringify(record) + '\n').join(''),
  );
  await writeFile(join(dir, 'notes.txt'), 'not a trail');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readTrail', () => {
  it('reads every .jsonl file of a directory, oldest first, through the filters', async () => {
    const all = await readTrail(dir);
    expect(all.map((record) => record.eventName)).toEqual([
      'GetObject',
      'DeleteMessage',
      'AssumeRoleWithWebIdentity',
      'GetObject',
      'ReceiveMessage',
      'PutItem',
    ]);
    const denied = await readTrail(dir, { denied: true, role: 'keyless-api' });
    expect(denied.map((record) => record.eventName)).toEqual(['DeleteMessage']);
  });

  it('tells a refusal from an emulator error by the decision, or by the code for records without one', () => {
    const [allowed, denied, , failed] = fixtureRecords() as CloudTrailRecord[];
    expect([allowed, denied, failed].map((record) => record && isDenied(record))).toEqual([
      false,
      true,
      false,
    ]);
    const foreign = { ...failed, errorCode: 'AccessDenied' } as Partial<CloudTrailRecord>;
    delete foreign.additionalEventData;
    expect(isDenied(foreign as CloudTrailRecord)).toBe(true);
    expect(isDenied({ ...foreign, errorCode: 'NoSuchKey' } as CloudTrailRecord)).toBe(false);
  });
});

describe('the trail arguments', () => {
  const now = new Date('2026-03-01T12:00:00Z');

  it('reads --since as an ISO time or a duration back from now', () => {
    expect(parseSince('10m', now)).toEqual(new Date('2026-03-01T11:50:00Z'));
    expect(parseSince('2h', now)).toEqual(new Date('2026-03-01T10:00:00Z'));
    expect(parseSince('1d', now)).toEqual(new Date('2026-02-28T12:00:00Z'));
    expect(parseSince('2026-03-01T09:30:00Z', now)).toEqual(new Date('2026-03-01T09:30:00Z'));
    expect(parseSince('10 minutes', now)).toBeUndefined();
    expect(parseSince('2026-13-45', now)).toBeUndefined();
  });

  it('turns the flags into filters', () => {
    expect(parseTrailArgs(['--role', 'keyless-api', '--denied', '--service', 's3', '--json'], now)).toEqual({
      ok: true,
      args: { filters: { role: 'keyless-api', denied: true, service: 's3' }, json: true },
    });
    expect(parseTrailArgs(['--denied=yes'], now)).toMatchObject({
      ok: false,
      message: expect.stringContaining('--denied'),
    });
  });
});
