// Streaming uploads: aws-chunked bodies, unsigned with a trailing checksum (what the SDK sends for a
// stream body) and signed chunk by chunk, with and without a signed trailer.
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { authenticateRequest } from '../../src/authenticate/authenticate-request.ts';
import type { GateRequest, IssuedSession } from '../../src/gate-request.ts';
import { captureOne } from './capture-server.ts';
import { expectAuthenticated, expectRefused, present, withChanges } from './expect-result.ts';
import { issuedSession, credentialsOf, region, roleSession, sessionLookup, sessions } from './sessions.ts';
import { sha256Hex, smithySigner } from './smithy-signer.ts';

const authenticate = (request: GateRequest, now = new Date()) =>
  authenticateRequest(request, sessions, { now, region });

const putStream = (parts: string[]) =>
  captureOne((endpoint) =>
    new S3Client({
      region,
      endpoint,
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: credentialsOf(roleSession),
    }).send(
      new PutObjectCommand({
        Bucket: 'keyless-files',
        Key: 'uploads/streamed.bin',
        Body: Readable.from(parts.map((part) => Buffer.from(part))),
        ContentLength: parts.join('').length,
      }),
    ),
  );

function crc32Base64(text: string): string {
  const digest = Buffer.alloc(4);
  digest.writeUInt32BE(crc32(text));
  return digest.toString('base64');
}

const replaceInBody = (request: GateRequest, from: string, to: string): GateRequest =>
  withChanges(request, { body: Buffer.from(request.body.toString('latin1').replace(from, to), 'latin1') });

describe('the SDK streaming a body: STREAMING-UNSIGNED-PAYLOAD-TRAILER', () => {
  it('is what PutObject of a stream sends over http, and it verifies to the decoded payload and its checksum', async () => {
    const request = await putStream(['first part, ', 'second part']);
    expect(request.headers).toMatchObject({
      'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      'content-encoding': 'aws-chunked',
      'x-amz-trailer': 'x-amz-checksum-crc32',
      'x-amz-decoded-content-length': '23',
    });
    expect(request.body.toString()).toMatch(
      /^c\r\nfirst part, \r\nb\r\nsecond part\r\n0\r\nx-amz-checksum-crc32:[^\r]+\r\n\r\n$/,
    );
    const result = expectAuthenticated(authenticate(request));
    expect(result.payload.toString()).toBe('first part, second part');
    expect(result.contentSha256).toBe('STREAMING-UNSIGNED-PAYLOAD-TRAILER');
    expect(Object.keys(result.trailers ?? {})).toEqual(['x-amz-checksum-crc32']);
  });

  it('refuses altered chunk bytes by their trailing checksum (BadDigest), and broken framing (IncompleteBody)', async () => {
    const request = await putStream(['first part, ', 'second part']);
    expectRefused(authenticate(replaceInBody(request, 'second', 'SECOND')), {
      check: 'payload-hash',
      code: 'BadDigest',
      status: 400,
      message: 'The CRC32 you specified did not match the calculated checksum.',
    });
    expectRefused(authenticate(replaceInBody(request, 'b\r\nsecond', 'c\r\nsecond')), {
      check: 'malformed',
      code: 'IncompleteBody',
      status: 400,
    });
    expectRefused(authenticate(withChanges(request, { body: request.body.subarray(0, 20) })), {
      check: 'malformed',
      code: 'IncompleteBody',
      status: 400,
    });
  });
});

// S3 API Reference, "Signature calculation: Transferring payload in multiple chunks", Example: PUT
// Object: a 66,560-byte object of 'a' in a 64 KiB chunk and a 1 KiB chunk, with AWS's signatures.
const awsExampleSession = issuedSession('AKIAIOSFODNN7EXAMPLE', {
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  kind: 'root',
  expiration: undefined,
  sessionToken: undefined,
});

function awsExampleRequest(): GateRequest {
  const chunk = (size: number, signature: string) =>
    Buffer.concat([
      Buffer.from(`${size.toString(16)};chunk-signature=${signature}\r\n`),
      Buffer.alloc(size, 'a'),
      Buffer.from('\r\n'),
    ]);
  return {
    method: 'PUT',
    path: '/examplebucket/chunkObject.txt',
    query: '',
    headers: {
      host: 's3.amazonaws.com',
      'x-amz-date': '20130524T000000Z',
      'x-amz-storage-class': 'REDUCED_REDUNDANCY',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
      'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      'content-encoding': 'aws-chunked',
      'x-amz-decoded-content-length': '66560',
      'content-length': '66824',
    },
    body: Buffer.concat([
      chunk(65536, 'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648'),
      chunk(1024, '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497'),
      chunk(0, 'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9'),
    ]),
    sourceIp: '127.0.0.1',
    secureTransport: true,
  };
}

describe("signed chunks: STREAMING-AWS4-HMAC-SHA256-PAYLOAD (AWS's own example)", () => {
  const exampleSessions = sessionLookup(awsExampleSession);
  const at = new Date('2013-05-24T00:05:00Z');
  const verify = (request: GateRequest) => authenticateRequest(request, exampleSessions, { now: at, region });

  it('verifies the seed signature and the chain of chunk signatures', () => {
    const request = awsExampleRequest();
    expect(request.body.length).toBe(66824);
    const result = expectAuthenticated(verify(request));
    expect(result.payload).toEqual(Buffer.alloc(66560, 'a'));
  });

  it("refuses a chunk's altered bytes, an altered chunk signature and a dropped chunk", () => {
    const request = awsExampleRequest();
    const refused = { check: 'chunk-signature', code: 'SignatureDoesNotMatch', status: 403 } as const;
    const alteredBytes = Buffer.from(request.body);
    alteredBytes[1000] = 'b'.charCodeAt(0);
    expectRefused(verify(withChanges(request, { body: alteredBytes })), refused);
    expectRefused(verify(replaceInBody(request, '0055627c', '0055627d')), refused);
    const firstChunkEnd = request.body.indexOf('400;chunk-signature');
    const withoutFirst = Buffer.concat([request.body.subarray(firstChunkEnd)]);
    expectRefused(
      verify(withChanges(request, { body: withoutFirst, headers: { ...request.headers } })),
      refused,
    );
  });
});

/** A signed streaming upload, seeded and chained with @smithy/signature-v4, as a non-SDK client may send it. */
async function signedStream(
  session: IssuedSession,
  parts: string[],
  trailer?: [string, string],
): Promise<GateRequest> {
  const signer = smithySigner(session);
  const signingDate = new Date();
  const mode = trailer ? 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER' : 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
  const signedRequest = await signer.sign(
    {
      method: 'PUT',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 4566,
      path: '/keyless-files/uploads/signed.bin',
      query: {},
      headers: {
        host: '127.0.0.1:4566',
        'content-encoding': 'aws-chunked',
        'x-amz-content-sha256': mode,
        'x-amz-decoded-content-length': String(parts.join('').length),
        ...(trailer ? { 'x-amz-trailer': trailer[0] } : {}),
      },
    },
    { signingDate },
  );
  const headers = Object.fromEntries(
    Object.entries(signedRequest.headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
  const amzDate = present(headers['x-amz-date'], 'x-amz-date');
  const scope = `${amzDate.slice(0, 8)}/${region}/s3/aws4_request`;
  let previous = present(
    /Signature=([0-9a-f]{64})/.exec(headers['authorization'] ?? '')?.[1],
    'seed signature',
  );
  const framed: Buffer[] = [];
  for (const part of [...parts, '']) {
    const stringToSign = [
      'AWS4-HMAC-SHA256-PAYLOAD',
      amzDate,
      scope,
      previous,
      sha256Hex(''),
      sha256Hex(part),
    ].join('\n');
    previous = await signer.sign(stringToSign, { signingDate });
    framed.push(
      Buffer.from(
        `${part.length.toString(16)};chunk-signature=${previous}\r\n${part}${part === '' ? '' : '\r\n'}`,
      ),
    );
  }
  if (trailer) {
    const trailerText = `${trailer[0]}:${trailer[1]}\n`;
    const stringToSign = ['AWS4-HMAC-SHA256-TRAILER', amzDate, scope, previous, sha256Hex(trailerText)].join(
      '\n',
    );
    const trailerSignature = await signer.sign(stringToSign, { signingDate });
    framed.push(
      Buffer.from(`${trailer[0]}:${trailer[1]}\r\nx-amz-trailer-signature:${trailerSignature}\r\n`),
    );
  }
  framed.push(Buffer.from('\r\n'));
  return {
    method: 'PUT',
    path: '/keyless-files/uploads/signed.bin',
    query: '',
    headers,
    body: Buffer.concat(framed),
    sourceIp: '127.0.0.1',
    secureTransport: false,
  };
}

describe('signed chunks from @smithy/signature-v4, with and without a signed trailer', () => {
  it('verifies both and decodes the payload', async () => {
    const plain = expectAuthenticated(
      authenticate(await signedStream(roleSession, ['alpha ', 'beta ', 'gamma'])),
    );
    expect(plain.payload.toString()).toBe('alpha beta gamma');
    const checksum = crc32Base64('alpha beta gamma');
    const trailed = await signedStream(
      roleSession,
      ['alpha ', 'beta ', 'gamma'],
      ['x-amz-checksum-crc32', checksum],
    );
    const result = expectAuthenticated(authenticate(trailed));
    expect(result.payload.toString()).toBe('alpha beta gamma');
    expect(result.trailers).toEqual({ 'x-amz-checksum-crc32': checksum });
  });

  it('refuses an altered chunk, an altered trailer and a trailer signature that is missing', async () => {
    const refused = { check: 'chunk-signature', code: 'SignatureDoesNotMatch', status: 403 } as const;
    expectRefused(
      authenticate(replaceInBody(await signedStream(roleSession, ['alpha ', 'beta']), 'beta', 'BETA')),
      refused,
    );
    const checksum = crc32Base64('alpha beta gamma');
    const trailed = await signedStream(
      roleSession,
      ['alpha ', 'beta ', 'gamma'],
      ['x-amz-checksum-crc32', checksum],
    );
    expectRefused(authenticate(replaceInBody(trailed, checksum, 'AAAAAA==')), refused);
    expectRefused(
      authenticate(
        replaceInBody(
          trailed,
          present(
            /x-amz-trailer-signature:[0-9a-f]+\r\n/.exec(trailed.body.toString())?.[0],
            'trailer signature',
          ),
          '',
        ),
      ),
      refused,
    );
  });
});
