// Known answers: the signed examples in the S3 API Reference ("Signature Calculations for the
// Authorization Header", Example: GET Object; "Query String Authentication", the presigned URL
// example), and the canonicalization rules that differ between S3 and the other services.
import { describe, expect, it } from 'vitest';
import { authenticateRequest } from '../../src/authenticate/authenticate-request.ts';
import { canonicalQuery, canonicalUri, parseQuery } from '../../src/authenticate/canonical-request.ts';
import type { GateRequest } from '../../src/gate-request.ts';
import { expectAuthenticated, expectRefused, withChanges } from './expect-result.ts';
import { issuedSession, region, roleSession, sessions, sessionLookup } from './sessions.ts';
import { smithySigner } from './smithy-signer.ts';

const exampleSessions = sessionLookup(
  issuedSession('AKIAIOSFODNN7EXAMPLE', {
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    kind: 'root',
    sessionToken: undefined,
    expiration: undefined,
  }),
);

const exampleRequest = (changes: Partial<GateRequest>): GateRequest => ({
  method: 'GET',
  path: '/test.txt',
  query: '',
  headers: { host: 'examplebucket.s3.amazonaws.com' },
  body: Buffer.alloc(0),
  sourceIp: '192.0.2.1',
  secureTransport: true,
  ...changes,
});

describe("the S3 API Reference's signed examples", () => {
  it('verifies Example: GET Object (Authorization header with a Range header)', () => {
    const request = exampleRequest({
      headers: {
        host: 'examplebucket.s3.amazonaws.com',
        range: 'bytes=0-9',
        'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        'x-amz-date': '20130524T000000Z',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
      },
    });
    const now = new Date('2013-05-24T00:10:00Z');
    expectAuthenticated(authenticateRequest(request, exampleSessions, { now, region }));
    expectRefused(
      authenticateRequest(
        withChanges(request, { headers: { ...request.headers, range: 'bytes=0-10' } }),
        exampleSessions,
        { now, region },
      ),
      { check: 'signature', code: 'SignatureDoesNotMatch', status: 403 },
    );
  });

  it('verifies the presigned URL example within its 24 hours, and not after', () => {
    const request = exampleRequest({
      query:
        'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    });
    const result = authenticateRequest(request, exampleSessions, {
      now: new Date('2013-05-24T23:00:00Z'),
      region,
    });
    expect(expectAuthenticated(result).authType).toBe('REST-QUERY-STRING');
    expectRefused(
      authenticateRequest(request, exampleSessions, { now: new Date('2013-05-25T00:00:01Z'), region }),
      {
        check: 'presigned-expired',
        code: 'AccessDenied',
        status: 403,
        message: 'Request has expired',
      },
    );
  });
});

describe('canonicalization', () => {
  it('encodes the path once for S3 and twice, normalized, for the other services', () => {
    expect(canonicalUri('/bucket/a%20b/c~d%7E(1).txt', 's3')).toBe('/bucket/a%20b/c~d~%281%29.txt');
    expect(canonicalUri('/a%20b/./c/../d/', 'sts')).toBe('/a%2520b/d/');
    expect(canonicalUri('', 'sqs')).toBe('/');
  });

  it('sorts the query by name then value, re-encoded per RFC 3986, without X-Amz-Signature', () => {
    expect(canonicalQuery(parseQuery('b=2&a=z&a=1&c&d=%7e+!&X-Amz-Signature=ab'))).toBe(
      'a=1&a=z&b=2&c=&d=~%2B%21',
    );
  });

  it("verifies a non-S3 request whose path and query need the other services' canonical form", async () => {
    const signer = smithySigner(roleSession, 'sts');
    const signed = await signer.sign({
      method: 'GET',
      protocol: 'http:',
      hostname: 'localhost',
      // The SDK's serializers hand the signer the path already percent-encoded, as it goes on the wire.
      path: '/a%20b/./c/../d',
      query: { Version: '2011-06-15', Action: 'GetCallerIdentity', note: ["it's", 'a b'] },
      headers: { host: 'localhost' },
    });
    const request: GateRequest = {
      method: 'GET',
      path: '/a%20b/./c/../d',
      query: "Version=2011-06-15&Action=GetCallerIdentity&note=it's&note=a%20b",
      headers: Object.fromEntries(
        Object.entries(signed.headers).map(([name, value]) => [name.toLowerCase(), value]),
      ),
      body: Buffer.alloc(0),
      sourceIp: '127.0.0.1',
      secureTransport: false,
    };
    const result = authenticateRequest(request, sessions, { now: new Date(), region });
    expect(expectAuthenticated(result).service).toBe('sts');
    expectRefused(
      authenticateRequest(withChanges(request, { query: `${request.query}&extra=1` }), sessions, {
        now: new Date(),
        region,
      }),
      {
        check: 'signature',
        code: 'SignatureDoesNotMatch',
        status: 403,
      },
    );
  });
});
