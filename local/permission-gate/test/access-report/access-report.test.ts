import { describe, expect, it } from 'vitest';
import { accessReport } from '../../src/access-report/access-report.ts';
import {
  AcknowledgementError,
  parseAcknowledgements,
  type Acknowledgement,
} from '../../src/access-report/acknowledgements.ts';
import { formatAccessReport } from '../../src/access-report/format-report.ts';
import { grantsOf } from '../../src/access-report/grants.ts';
import { localIamModel } from '../../src/access-report/local-model.ts';
import { usageOf } from '../../src/access-report/usage.ts';
import { account, fixtureTrail, region, table } from './access-fixtures.ts';

const grants = await grantsOf(localIamModel({ accountId: account, region }));
const usage = usageOf(fixtureTrail());
const name = (grant: { role: string; sid: string; action: string; resource: string }) =>
  `${grant.role} ${grant.sid} ${grant.action} ${grant.resource}`;
const reason = 'the demo never exercises this path; it is what production needs';

describe('accessReport', () => {
  it('reports per role each grant used (by which calls, how often) or unused', () => {
    const report = accessReport(grants, usage);
    const api = report.roles.find((role) => role.role === 'api');
    expect(api?.grants.map((grant) => [grant.action, grant.status, grant.count, grant.calls])).toEqual([
      ['dynamodb:GetItem', 'used', 2, { 'dynamodb:GetItem': 2 }],
      ['dynamodb:PutItem', 'used', 1, { 'dynamodb:PutItem': 1 }],
      ['dynamodb:Query', 'unused', 0, {}],
      ['s3:PutObject', 'used', 1, { 's3:PutObject': 1 }],
      ['s3:GetObject', 'unused', 0, {}],
      ['s3:ListBucket', 'unused', 0, {}],
    ]);
    const processorRead = report.roles
      .find((role) => role.role === 'upload-processor')
      ?.grants.find((grant) => grant.action === 's3:GetObject');
    expect(processorRead).toMatchObject({
      status: 'used',
      count: 2,
      calls: { 's3:HeadObject': 1, 's3:GetObject': 1 },
      usedOn: ['arn:aws:s3:::keyless-files/incoming/u-1', 'arn:aws:s3:::keyless-files/incoming/u-2'],
    });
    // Roles the fixture never used: all their grants are unused.
    expect(
      report.roles.find((role) => role.role === 'diff')?.grants.every((grant) => grant.status === 'unused'),
    ).toBe(true);
    expect(report.unacknowledged.map(name)).toContain(`api UploadsTable dynamodb:Query ${table}`);
    expect(report.ok).toBe(false);
  });

  it('lists the calls the gate refused, per role', () => {
    const report = accessReport(grants, usage);
    expect(report.roles.find((role) => role.role === 'api')?.denied.map((call) => call.call)).toEqual([
      's3:GetObject',
    ]);
    expect(report.roles.find((role) => role.role === 'ledger-worker')?.denied).toEqual([]);
  });

  it('an acknowledgement suppresses an unused grant, with its reason', () => {
    const acknowledgement: Acknowledgement = {
      role: 'api',
      sid: 'UploadsTable',
      action: 'dynamodb:Query',
      reason,
    };
    const report = accessReport(grants, usage, [acknowledgement]);
    const query = report.roles
      .find((role) => role.role === 'api')
      ?.grants.find((g) => g.action === 'dynamodb:Query');
    expect(query).toMatchObject({ status: 'acknowledged', acknowledgement: { reason } });
    expect(report.unacknowledged.map(name)).not.toContain(`api UploadsTable dynamodb:Query ${table}`);
    expect(report.stale).toEqual([]);
    expect(formatAccessReport(report)).toContain(`acknowledged: ${reason}`);
  });

  it('with every unused grant acknowledged the report is ok', () => {
    const acknowledgements = accessReport(grants, usage).unacknowledged.map((grant): Acknowledgement => ({
      role: grant.role,
      sid: grant.sid,
      action: grant.action,
      resource: grant.resource,
      reason,
    }));
    const report = accessReport(grants, usage, acknowledgements);
    expect(report).toMatchObject({ ok: true, unacknowledged: [], stale: [] });
    expect(formatAccessReport(report)).toContain('every grant is used or acknowledged');
  });

  it('an acknowledgement may name the resource by a pattern, and the action as the statement wrote it', async () => {
    const wildcard = await grantsOf({
      roles: [
        {
          name: 'reader',
          description: '',
          assumeRolePolicy: { Version: '2012-10-17', Statement: [] },
          maxSessionDurationSeconds: 3600,
          policies: {
            permissions: {
              Version: '2012-10-17',
              Statement: [{ Sid: 'Reads', Effect: 'Allow', Action: 's3:Get*', Resource: 'arn:aws:s3:::b/*' }],
            },
          },
        },
      ],
    } as unknown as Parameters<typeof grantsOf>[0]);
    const report = accessReport(wildcard, { allowed: [], denied: [], skipped: 0 }, [
      { role: 'reader', sid: 'Reads', action: 's3:Get*', resource: 'arn:aws:s3:::*', reason },
    ]);
    expect(report).toMatchObject({ ok: true, stale: [] });
    expect(report.roles[0]?.grants.every((grant) => grant.status === 'acknowledged')).toBe(true);

    const logs = accessReport(grants, usage, [
      {
        role: 'upload-processor',
        sid: 'OwnLogGroup',
        action: 'logs:PutLogEvents',
        resource: 'arn:aws:logs:*:*:log-group:/aws/lambda/upload-processor:*',
        reason,
      },
    ]);
    const put = logs.roles
      .find((role) => role.role === 'upload-processor')
      ?.grants.filter((grant) => grant.action === 'logs:PutLogEvents');
    expect(put?.map((grant) => grant.status)).toEqual(['unused', 'acknowledged']);
  });

  it('an acknowledgement that matches no grant is stale, and fails the report', () => {
    const stale: Acknowledgement[] = [
      { role: 'api', sid: 'UploadsTable', action: 'dynamodb:DeleteItem', reason },
      { role: 'api', sid: 'Gone', action: 'dynamodb:Query', reason },
      { role: 'nobody', sid: 'UploadsTable', action: 'dynamodb:Query', reason },
      {
        role: 'api',
        sid: 'UploadsTable',
        action: 'dynamodb:Query',
        resource: 'arn:aws:dynamodb:*:*:table/other',
        reason,
      },
    ];
    const everythingElse = accessReport(grants, usage).unacknowledged.map((grant): Acknowledgement => ({
      role: grant.role,
      sid: grant.sid,
      action: grant.action,
      reason,
    }));
    const report = accessReport(grants, usage, [...everythingElse, ...stale]);
    expect(report.unacknowledged).toEqual([]);
    expect(report.stale).toEqual(stale);
    expect(report.ok).toBe(false);
    expect(formatAccessReport(report)).toContain(
      '4 acknowledgement(s) that match no grant of the model (stale',
    );
  });

  it('an acknowledgement of a grant that is used is not stale, and is shown as no longer needed', () => {
    const report = accessReport(grants, usage, [
      { role: 'api', sid: 'UploadsTable', action: 'dynamodb:GetItem', reason },
    ]);
    expect(report.stale).toEqual([]);
    expect(formatAccessReport(report)).toMatch(
      /dynamodb:GetItem .* used 2× by dynamodb:GetItem ×2 \(acknowledged, but used\)/,
    );
  });
});

describe('acknowledgements', () => {
  it('are role, sid, action, an optional resource and a reason', () => {
    expect(
      parseAcknowledgements([{ role: 'api', sid: 'UploadsTable', action: 'dynamodb:Query', reason }]),
    ).toEqual([{ role: 'api', sid: 'UploadsTable', action: 'dynamodb:Query', reason }]);
  });

  it('refuse a missing or short reason, an unknown field and a malformed action, naming where', () => {
    const attempt = () =>
      parseAcknowledgements(
        [
          { role: 'api', sid: 'UploadsTable', action: 'dynamodb:Query' },
          { role: 'api', sid: 'UploadsTable', action: 'dynamodb:Query', reason: 'not needed' },
          { role: 'api', sid: 'UploadsTable', action: 'Query', reason, until: '2027' },
        ],
        'access-acknowledgements.json',
      );
    expect(attempt).toThrow(AcknowledgementError);
    expect(attempt).toThrow(/\[0\.reason\]/);
    expect(attempt).toThrow(/\[1\.reason\] a reason says why the grant stays/);
    expect(attempt).toThrow(/\[2\.action\] expected service:Action/);
    expect(attempt).toThrow(/\[2\] Unrecognized key: "until"/);
  });
});
