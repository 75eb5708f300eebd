// Hostile and malformed input through the local ALB: every refusal is a problem document (or, for
// what the ALB itself refuses, ALB's own page), and nothing the client sent is reflected.
import { once } from 'node:events';
import { connect } from 'node:net';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startApiCluster, type ApiCluster } from './support/api-cluster.ts';
import { admin, claimsOf, directory, signIn } from './support/directory.ts';
import { expectProblem } from './support/problems.ts';
import { emulatorSuite } from '@keyless/testing/emulator-suite';
import { apiNeeds } from './support/directory.ts';

emulatorSuite(apiNeeds, () => {
  let cluster: ApiCluster;
  let token: string;
  beforeAll(async () => {
    cluster = await startApiCluster({ UPLOADS_PER_MINUTE: '1000' });
    token = (await signIn(directory().users.demo)).accessToken;
  });
  afterAll(() => cluster?.stop());

  // `null`: no Content-Type at all (a byte body, for which fetch adds none).
  const post = (body: string, contentType: string | null = 'application/json') =>
    fetch(`${cluster.alb.url}/v1/uploads`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        ...(contentType === null ? {} : { 'content-type': contentType }),
      },
      body: contentType === null ? Buffer.from(body) : body,
    });
  const valid = { filename: 'ok.txt', contentType: 'text/plain', size: 3 };

  async function raw(port: number, request: string): Promise<string> {
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    socket.end(request);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    await once(socket, 'close');
    return Buffer.concat(chunks).toString('latin1');
  }

  describe('request bodies', () => {
    test('a body over the JSON limit is 413', async () => {
      await expectProblem(await post(JSON.stringify({ ...valid, filename: 'a'.repeat(5000) })), 413);
    });

    test.each([['{"filename":'], ['{filename: "x"}'], ['42'], ['"a string"'], ['true'], ['null']])(
      'malformed JSON or a bare primitive (%s) is 400',
      async (body) => {
        const problem = await expectProblem(await post(body), 400);
        expect(problem.detail).toBe('the request body is not a JSON object or array');
      },
    );

    test('an array is 400 with field errors', async () => {
      const problem = await expectProblem(await post('[1,2]'), 400);
      expect(problem.errors).toEqual([{ path: '(body)', message: expect.any(String) }]);
    });

    test.each([
      ['text/plain'],
      [null],
      ['application/x-www-form-urlencoded'],
      ['application/json; charset=iso-8859-1'],
    ])('content type %s is 415', async (contentType) => {
      await expectProblem(await post(JSON.stringify(valid), contentType), 415);
    });

    test.each([
      ['a path traversal', '../../etc/passwd', 'path-separator'],
      ['a slash', 'a/b.txt', 'path-separator'],
      ['a backslash', 'a\\b.txt', 'path-separator'],
      ['a NUL', 'a\u0000b.txt', 'control-character'],
      ['256 UTF-8 bytes', `${'\u20AC'.repeat(85)}a`, 'too-long'],
      ['a line feed', 'a\nb.txt', 'control-character'],
      ['a carriage return', 'a\rSet-Cookie: x.txt', 'control-character'],
      ['a tab', 'a\tb.txt', 'control-character'],
      ['a bidi override', 'invoice\u202Efdp.exe', 'format-character'],
      ['a stray zero-width joiner', 'a\u200D.txt', 'format-character'],
      ['an unpaired surrogate', 'a\uD800b.txt', 'malformed-unicode'],
      ['only two dots', '..', 'reserved-name'],
      ['nothing', '', 'empty'],
    ])('a filename with %s is 400 naming the rule broken, and is not echoed', async (_, filename, reason) => {
      const response = await post(JSON.stringify({ ...valid, filename }));
      const text = await response.clone().text();
      const problem = await expectProblem(response, 400);
      expect(problem.errors).toEqual([{ path: 'filename', message: expect.any(String), reason }]);
      if (filename.length > 2) expect(text).not.toContain(JSON.stringify(filename).slice(1, -1));
    });

    test('unknown keys, __proto__ and ownerSub in the body are dropped, not stored', async () => {
      const body = `{"filename":"ok.txt","contentType":"text/plain","size":3,"__proto__":{"isAdmin":true},"constructor":{"prototype":{"isAdmin":true}},"ownerSub":"someone-else","status":"PROCESSED","isAdmin":true}`;
      const response = await post(body);
      expect(response.status).toBe(201);
      const { uploadId, status } = (await response.json()) as { uploadId: string; status: string };
      expect(status).toBe('PENDING');
      const { Item } = await admin().dynamodb.send(
        new GetItemCommand({
          TableName: directory().table,
          Key: { ownerSub: { S: String(claimsOf(token).sub) }, uploadId: { S: uploadId } },
        }),
      );
      expect(Object.keys(Item ?? {}).sort()).toEqual([
        'contentType',
        'createdAt',
        'declaredBytes',
        'filename',
        'objectKey',
        'ownerSub',
        'status',
        'uploadId',
      ]);
      expect(Item?.status).toEqual({ S: 'PENDING' });
      // Still a member, not an admin, for the same token.
      await expectProblem(
        await fetch(`${cluster.alb.url}/v1/admin/reports/latest`, {
          headers: { authorization: `Bearer ${token}` },
        }),
        403,
      );
    });
  });

  describe('headers and paths', () => {
    test('a header value with a bare CR stops at the ALB (400) and nothing of it comes back', async () => {
      const response = await raw(
        cluster.alb.port,
        'GET /v1/me HTTP/1.1\r\nHost: x\r\nX-A: a\rSet-Cookie: evil=1\r\n\r\n',
      );
      expect(response).toMatch(/^HTTP\/1\.1 400 /);
      expect(response.toLowerCase()).not.toContain('evil');
    });

    test('the api itself refuses one too, with problem+json and nothing reflected', async () => {
      const [instance] = cluster.instances;
      const response = await raw(
        instance?.port ?? 0,
        'GET /v1/me HTTP/1.1\r\nHost: x\r\nX-A: a\nSet-Cookie: evil=1\r\n\r\n',
      );
      expect(response).toMatch(/^HTTP\/1\.1 400 /);
      expect(response).toContain('Content-Type: application/problem+json');
      expect(response.toLowerCase()).not.toContain('evil');
    });

    test('an encoded CR/LF in the path is a 404 that sets no header from it', async () => {
      const response = await fetch(`${cluster.alb.url}/v1/uploads/%0D%0ASet-Cookie:%20evil=1`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await expectProblem(response, 404);
      expect(response.headers.get('set-cookie')).toBeNull();
    });

    test('headers over the api limit (16 KiB in all) are 431 problem+json', async () => {
      const response = await fetch(`${cluster.alb.url}/v1/me`, {
        headers: {
          authorization: `Bearer ${token}`,
          'x-pad-1': 'a'.repeat(10 * 1024),
          'x-pad-2': 'b'.repeat(10 * 1024),
        },
      });
      expect(response.status).toBe(431);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(await response.json()).toMatchObject({ status: 431, title: 'Request Header Fields Too Large' });
    });

    test('one header line over 16 KiB is refused by the ALB (400), as ALB does', async () => {
      const response = await fetch(`${cluster.alb.url}/v1/me`, {
        headers: { 'x-pad': 'a'.repeat(17 * 1024) },
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('server')).toBe('awselb/2.0');
    });

    test('an unknown route is a 404 problem', async () => {
      await expectProblem(await fetch(`${cluster.alb.url}/v1/nothing-here`), 404);
    });

    test('security headers are set; no framework banner', async () => {
      const response = await fetch(`${cluster.alb.url}/v1/me`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('strict-transport-security')).toMatch(/max-age=/);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('x-powered-by')).toBeNull();
    });
  });
});
