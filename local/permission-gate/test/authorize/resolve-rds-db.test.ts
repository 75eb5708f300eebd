// IAM database authentication tokens (`rds-db`): one permission, rds-db:connect on the dbuser ARN
// of the endpoint that received the token. The token's signature is checked by authenticateRequest
// like any presigned URL (local/rds-proxy's tests sign real tokens with @aws-sdk/rds-signer).
import { describe, expect, it } from 'vitest';
import type { GateRequest } from '../../src/gate-request.ts';
import { ACCOUNT, REGION, permissions, refused, resolved } from './support/resolve.ts';

const token = (query: string, method = 'GET'): GateRequest => ({
  method,
  path: '/',
  query: `${query}&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=900&X-Amz-SignedHeaders=host`,
  headers: { host: 'localhost:5433' },
  body: Buffer.alloc(0),
  sourceIp: '127.0.0.1',
  secureTransport: true,
});

describe('rds-db connect', () => {
  it('is rds-db:connect on dbuser:<resource id>/<DBUser>', () => {
    const result = resolved('rds-db', token('Action=connect&DBUser=ledger_reader'), {
      dbiResourceId: 'prx-0123456789abcdef0',
    });
    expect(result.operation).toBe('connect');
    expect(result.eventSource).toBe('rds-db.amazonaws.com');
    expect(permissions(result)).toEqual([
      ['rds-db:connect', `arn:aws:rds-db:${REGION}:${ACCOUNT}:dbuser:prx-0123456789abcdef0/ledger_reader`],
    ]);
  });

  it('is refused when the receiver names no resource id: no ARN, no decision', () => {
    expect(refused('rds-db', token('Action=connect&DBUser=ledger_reader')).error).toMatchObject({
      code: 'AccessDenied',
      message: expect.stringContaining('No database resource id'),
    });
  });

  it('is refused without a DBUser, or for another action or method', () => {
    const scope = { dbiResourceId: 'prx-0123456789abcdef0' };
    expect(refused('rds-db', token('Action=connect'), scope).error.message).toBe(
      'The token names no DBUser.',
    );
    expect(refused('rds-db', token('Action=describe&DBUser=x'), scope).error.code).toBe(
      'InvalidParameterValue',
    );
    expect(refused('rds-db', token('Action=connect&DBUser=x', 'POST'), scope).error.code).toBe(
      'InvalidParameterValue',
    );
  });
});
