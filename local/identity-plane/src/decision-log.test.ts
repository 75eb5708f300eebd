import { expect, test } from 'vitest';
import { createDecisionLog } from './decision-log.ts';

test('each decision is one JSON line with who, which role, the outcome and why', () => {
  const chunks: string[] = [];
  const log = createDecisionLog({ destination: { write: (chunk: string) => void chunks.push(chunk) } });
  log.record({
    caller: 'system:serviceaccount:keyless:api',
    issuer: 'http://127.0.0.1:1/eks',
    role: 'arn:aws:iam::123456789012:role/usage-reporter',
    action: 'sts:AssumeRoleWithWebIdentity',
    decision: 'denied',
    check: 'trust-policy',
    statement: 'IrsaServiceAccount',
    reason: 'condition StringEquals on sub …',
  });
  log.record({
    caller: 'lambda.amazonaws.com',
    role: 'arn:aws:iam::123456789012:role/upload-processor',
    action: 'sts:AssumeRole',
    decision: 'allowed',
    check: 'trust-policy',
    reason: 'allowed',
  });

  const output = chunks.join('');
  expect(output.endsWith('\n')).toBe(true);
  const lines = output
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(lines).toHaveLength(2);
  expect(lines[0]).toEqual({
    level: 'warn',
    time: expect.any(String),
    service: 'identity-plane',
    event: 'sts.decision',
    caller: 'system:serviceaccount:keyless:api',
    issuer: 'http://127.0.0.1:1/eks',
    role: 'arn:aws:iam::123456789012:role/usage-reporter',
    action: 'sts:AssumeRoleWithWebIdentity',
    decision: 'denied',
    check: 'trust-policy',
    statement: 'IrsaServiceAccount',
    reason: 'condition StringEquals on sub …',
    msg: 'denied sts:AssumeRoleWithWebIdentity on arn:aws:iam::123456789012:role/usage-reporter for system:serviceaccount:keyless:api',
  });
  expect(lines[1]).toMatchObject({ level: 'info', decision: 'allowed', caller: 'lambda.amazonaws.com' });
});
