// The front's own HTTP behaviour, with a recording server standing in for the emulator: what it
// passes through untouched, and the requests it refuses before anything reaches the emulator.
import { createServer, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createDecisionLog, type Decision } from '../decision-log.ts';
import { close, listen } from '../loopback-server.ts';
import { startStsFront, type StsFront } from './sts-front.ts';

interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const recorded: Recorded[] = [];
const decisions: Decision[] = [];
const emulator = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    recorded.push({
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks).toString(),
    });
    res.writeHead(418, { 'content-type': 'text/xml', 'x-emulator': 'yes' }).end('<FromEmulator/>');
  });
});
let front: StsFront;

beforeAll(async () => {
  const endpoint = await listen(emulator, '127.0.0.1', 0);
  front = await startStsFront({
    emulator: { endpoint, region: 'eu-west-1' },
    decisions: createDecisionLog({
      destination: { write: (line: string) => void decisions.push(JSON.parse(line) as Decision) },
    }),
  });
});
afterAll(async () => {
  await front?.close();
  await close(emulator);
});
beforeEach(() => {
  recorded.length = 0;
  decisions.length = 0;
});

const form = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };

describe('pass-through', () => {
  test('any other action reaches the emulator with method, path, headers and body untouched', async () => {
    const body = 'Action=GetCallerIdentity&Version=2011-06-15';
    const response = await fetch(`${front.endpoint}/some/path?x=1`, {
      method: 'POST',
      headers: {
        ...form,
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIA/20260101/eu-west-1/sts/aws4_request, SignedHeaders=host, Signature=abc',
        'x-amz-date': '20260101T000000Z',
      },
      body,
    });
    expect(response.status).toBe(418);
    expect(response.headers.get('x-emulator')).toBe('yes');
    expect(await response.text()).toBe('<FromEmulator/>');
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({
      method: 'POST',
      url: '/some/path?x=1',
      body,
      headers: {
        host: new URL(front.endpoint).host,
        authorization: expect.stringContaining('Signature=abc'),
        'x-amz-date': '20260101T000000Z',
        'content-type': form['content-type'],
      },
    });
  });
});

describe('requests the front refuses without asking the emulator', () => {
  async function refused(response: Response, status: number, code: string, message: RegExp) {
    expect(response.status).toBe(status);
    const xml = await response.text();
    expect(xml).toMatch(
      new RegExp(
        `^<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>`,
      ),
    );
    expect(xml).toMatch(message);
    expect(recorded).toEqual([]);
    expect(decisions).toEqual([
      expect.objectContaining({ decision: 'denied', reason: expect.stringMatching(message) }),
    ]);
  }

  test('AssumeRoleWithWebIdentity in the query string of a GET is decided, not passed through', async () => {
    const query =
      'Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn:aws:iam::123456789012:role/api&RoleSessionName=session&WebIdentityToken=forged';
    await refused(
      await fetch(`${front.endpoint}/?${query}`),
      400,
      'InvalidIdentityToken',
      /token-format check/,
    );
  });

  test('AssumeRoleWithWebIdentity in the JSON protocol', async () => {
    const response = await fetch(front.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AWSSecurityTokenServiceV20110615.AssumeRoleWithWebIdentity',
      },
      body: '{}',
    });
    await refused(response, 400, 'ValidationError', /only in the awsQuery protocol/);
  });

  test('AssumeRoleWithWebIdentity in the Smithy RPC v2 protocol', async () => {
    const response = await fetch(
      `${front.endpoint}/service/AWSSecurityTokenServiceV20110615/operation/AssumeRoleWithWebIdentity`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/cbor', 'smithy-protocol': 'rpc-v2-cbor' },
        body: new Uint8Array([0xa0]),
      },
    );
    await refused(response, 400, 'ValidationError', /only in the awsQuery protocol/);
  });

  test('a request naming two actions, one of them decided here', async () => {
    const response = await fetch(`${front.endpoint}/?Action=GetCallerIdentity`, {
      method: 'POST',
      headers: form,
      body: 'Action=AssumeRoleWithWebIdentity&Version=2011-06-15',
    });
    await refused(response, 400, 'ValidationError', /more than one Action/);
  });

  test('AssumeRoleWithSAML, which the emulator would grant unchecked', async () => {
    const response = await fetch(front.endpoint, {
      method: 'POST',
      headers: form,
      body: 'Action=AssumeRoleWithSAML&Version=2011-06-15&RoleArn=arn:aws:iam::123456789012:role/developer',
    });
    await refused(response, 400, 'ValidationError', /Value null at 'PrincipalArn'/);
  });

  test('AssumeRoleWithWebIdentity without a role session name', async () => {
    const response = await fetch(front.endpoint, {
      method: 'POST',
      headers: form,
      body: 'Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn:aws:iam::123456789012:role/api&WebIdentityToken=x',
    });
    await refused(response, 400, 'ValidationError', /Value null at 'RoleSessionName'/);
  });

  test('an oversized body', async () => {
    const response = await fetch(front.endpoint, {
      method: 'POST',
      headers: form,
      body: `Action=GetCallerIdentity&Pad=${'x'.repeat(200_000)}`,
    });
    expect(response.status).toBe(413);
    expect(recorded).toEqual([]);
  });
});
