// The upload flow through the local ALB: DynamoDB item, presigned PUT to the emulator's S3 (behind
// a presigned-URL signature check), per-user isolation, pagination, the admin report download,
// rate limiting, and what each request leaves in logs, metrics and traces.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand, NotFound, PutObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { parseUploadsItem, REPORT_POINTER_KEY, reportKey, reportPointer } from '@keyless/contracts';
import type { SpanLine } from '@keyless/telemetry';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startApiCluster, type ApiCluster } from './support/api-cluster.ts';
import { admin, claimsOf, directory, signIn } from './support/directory.ts';
import { emfTotals, expectProblem } from './support/problems.ts';
import { waitFor } from './support/wait-for.ts';
import { emulatorSuite } from '@keyless/testing/emulator-suite';
import { apiNeeds } from './support/directory.ts';

emulatorSuite(apiNeeds, () => {
  interface Created {
    uploadId: string;
    status: string;
    upload: { method: string; url: string; headers: Record<string, string>; expiresAt: string };
  }

  let cluster: ApiCluster;
  let tracesFile: string;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    tracesFile = join(mkdtempSync(join(tmpdir(), 'keyless-api-')), 'traces.jsonl');
    cluster = await startApiCluster({ UPLOADS_PER_MINUTE: '5', KEYLESS_TRACES_FILE: tracesFile });
    for (const name of ['demo', 'bob', 'carol', 'dave', 'admin'] as const) {
      tokens.set(name, (await signIn(directory().users[name])).accessToken);
    }
  });
  afterAll(() => cluster?.stop());

  const auth = (user: string) => ({ authorization: `Bearer ${tokens.get(user)}` });
  const subOf = (user: string) => String(claimsOf(tokens.get(user) ?? '').sub);
  const get = (user: string, path: string) => fetch(`${cluster.alb.url}${path}`, { headers: auth(user) });

  async function createUpload(
    user: string,
    body: object = { filename: 'notes.txt', contentType: 'text/plain', size: 11 },
    headers = {},
  ) {
    return fetch(`${cluster.alb.url}/v1/uploads`, {
      method: 'POST',
      headers: { ...auth(user), 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  }

  async function created(user: string, body?: object): Promise<Created> {
    const response = await createUpload(user, body);
    expect(response.status).toBe(201);
    return (await response.json()) as Created;
  }

  describe('POST /v1/uploads and the presigned PUT', () => {
    let upload: Created;
    const albTraceRoot = '1-6a0b1c2d-0123456789abcdef01234567';
    const key = () => `incoming/${subOf('demo')}/${upload.uploadId}`;

    beforeAll(async () => {
      const response = await createUpload('demo', undefined, { 'x-amzn-trace-id': `Root=${albTraceRoot}` });
      expect(response.status).toBe(201);
      upload = (await response.json()) as Created;
      expect(response.headers.get('location')).toBe(`/v1/uploads/${upload.uploadId}`);
    });

    test('creates a PENDING item owned by the caller', async () => {
      const { Item } = await admin().dynamodb.send(
        new GetItemCommand({
          TableName: directory().table,
          Key: { ownerSub: { S: subOf('demo') }, uploadId: { S: upload.uploadId } },
        }),
      );
      expect(Item).toMatchObject({
        status: { S: 'PENDING' },
        filename: { S: 'notes.txt' },
        declaredBytes: { N: '11' },
        objectKey: { S: key() },
      });
      // Exactly what the upload-processor reads it as.
      const { Item: item } = await DynamoDBDocumentClient.from(admin().dynamodb).send(
        new GetCommand({
          TableName: directory().table,
          Key: { ownerSub: subOf('demo'), uploadId: upload.uploadId },
        }),
      );
      expect(parseUploadsItem(item)).toMatchObject({ status: 'PENDING', objectKey: key() });
      expect(upload.uploadId).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    });

    test('returns a short-lived PUT for incoming/<sub>/<uploadId> with owner and trace context as signed headers', () => {
      expect(upload.upload.method).toBe('PUT');
      expect(new URL(upload.upload.url).pathname).toBe(`/${directory().bucket}/${key()}`);
      expect(new URL(upload.upload.url).searchParams.get('X-Amz-Expires')).toBe('300');
      expect(upload.upload.headers).toMatchObject({
        'content-type': 'text/plain',
        'x-amz-meta-owner': subOf('demo'),
        'x-amz-meta-upload-id': upload.uploadId,
      });
      expect(upload.upload.headers['x-amz-meta-traceparent']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    });

    test('the PUT uploads to S3 with the metadata attached', async () => {
      const put = await fetch(upload.upload.url, {
        method: 'PUT',
        headers: upload.upload.headers,
        body: 'hello world',
      });
      expect(put.status).toBe(200);
      const head = await admin().s3.send(new HeadObjectCommand({ Bucket: directory().bucket, Key: key() }));
      expect(head.ContentType).toBe('text/plain');
      expect(head.Metadata).toMatchObject({
        owner: subOf('demo'),
        'upload-id': upload.uploadId,
        traceparent: upload.upload.headers['x-amz-meta-traceparent'],
      });
    });

    test.each([
      [
        "to another user's prefix",
        (path: string) => path.replace(subOf('demo'), subOf('bob')),
        () => ({}),
        'hello world',
      ],
      [
        'to another upload id of the caller',
        (path: string) => path.replace(upload.uploadId, '01890a5d-ac96-774b-bcce-b302099a8057'),
        () => ({}),
        'hello world',
      ],
      [
        'with another content type',
        (path: string) => path,
        () => ({ 'content-type': 'text/html' }),
        'hello world',
      ],
      [
        'with another owner in the metadata',
        (path: string) => path,
        () => ({ 'x-amz-meta-owner': subOf('bob') }),
        'hello world',
      ],
      ['with more bytes than declared', (path: string) => path, () => ({}), 'hello world, and more'],
    ])('the same URL cannot write %s', async (_, changePath, changeHeaders, body) => {
      const url = new URL(upload.upload.url);
      url.pathname = changePath(url.pathname);
      const put = await fetch(url, {
        method: 'PUT',
        headers: { ...upload.upload.headers, ...changeHeaders() },
        body,
      });
      expect(put.status).toBe(403);
      expect(await put.text()).toContain('SignatureDoesNotMatch');
      if (url.pathname.includes(subOf('bob'))) {
        const key = decodeURIComponent(url.pathname.slice(`/${directory().bucket}/`.length));
        await expect(
          admin().s3.send(new HeadObjectCommand({ Bucket: directory().bucket, Key: key })),
        ).rejects.toBeInstanceOf(NotFound);
      }
    });

    test('the request span carries the ALB trace header, and the object metadata points into its trace', async () => {
      const traceId = upload.upload.headers['x-amz-meta-traceparent']?.split('-')[1];
      const spans = () =>
        readFileSync(tracesFile, 'utf8')
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as SpanLine);
      await waitFor('the POST server span', () =>
        spans().some((span) => span.traceId === traceId && span.kind === 'SERVER'),
      );
      const server = spans().find((span) => span.traceId === traceId && span.kind === 'SERVER');
      expect(String(server?.attributes['http.request.header.x-amzn-trace-id'])).toContain(
        `Root=${albTraceRoot}`,
      );
      expect(server).toMatchObject({ name: 'POST /v1/uploads', attributes: { 'http.route': '/v1/uploads' } });
    });
  });

  describe('isolation between users', () => {
    let demoUpload: Created;
    beforeAll(async () => {
      demoUpload = await created('demo', {
        filename: 'private.pdf',
        contentType: 'application/pdf',
        size: 100,
      });
    });

    test('the owner can fetch it by id', async () => {
      const response = await get('demo', `/v1/uploads/${demoUpload.uploadId}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        uploadId: demoUpload.uploadId,
        status: 'PENDING',
        filename: 'private.pdf',
      });
    });

    test('another user gets the same 404 as for an id that does not exist', async () => {
      const theirs = await expectProblem(await get('bob', `/v1/uploads/${demoUpload.uploadId}`), 404);
      const nobody = await expectProblem(
        await get('bob', '/v1/uploads/01890a5d-ac96-774b-bcce-b302099a8057'),
        404,
      );
      expect(theirs.detail).toBe(nobody.detail);
    });

    test('another user does not see it in their list, even with a cursor made from its id', async () => {
      await created('bob', { filename: 'mine.csv', contentType: 'text/csv', size: 5 });
      const list = (await (await get('bob', '/v1/uploads')).json()) as { items: { uploadId: string }[] };
      expect(list.items.length).toBeGreaterThan(0);
      expect(list.items.map((item) => item.uploadId)).not.toContain(demoUpload.uploadId);
      const cursor = Buffer.from(`v1:${demoUpload.uploadId}`).toString('base64url');
      const page = (await (await get('bob', `/v1/uploads?cursor=${cursor}`)).json()) as {
        items: { uploadId: string }[];
      };
      expect(page.items.map((item) => item.uploadId)).not.toContain(demoUpload.uploadId);
    });
  });

  test("GET /v1/uploads pages through the caller's uploads, newest first, with an opaque cursor", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1)
      ids.push(
        (await created('dave', { filename: `f${i}.json`, contentType: 'application/json', size: 2 }))
          .uploadId,
      );
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 4; page += 1) {
      const response = await get('dave', `/v1/uploads?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      const body = (await response.json()) as { items: { uploadId: string }[]; nextCursor?: string };
      expect(body.items.length).toBeLessThanOrEqual(2);
      seen.push(...body.items.map((item) => item.uploadId));
      cursor = body.nextCursor;
      if (!cursor) break;
      expect(cursor).not.toContain(body.items.at(-1)?.uploadId);
    }
    expect(seen).toEqual([...ids].reverse());
    await expectProblem(await get('dave', '/v1/uploads?cursor=not-a-cursor'), 400);
    await expectProblem(await get('dave', '/v1/uploads?limit=0'), 400);
    await expectProblem(await get('dave', '/v1/uploads?limit=1&limit=2'), 400);
  });

  describe('GET /v1/admin/reports/latest', () => {
    const key = reportKey(new Date('2026-05-04T09:00:00.000Z'), '0a1b2c3d');
    const putObject = (key: string, body: string) =>
      admin().s3.send(
        new PutObjectCommand({
          Bucket: directory().bucket,
          Key: key,
          Body: body,
          ContentType: 'application/json',
        }),
      );

    test('members get 403', async () => {
      await expectProblem(await get('demo', '/v1/admin/reports/latest'), 403);
    });

    test('404 while no report is published, then a presigned GET of the latest one', async () => {
      await expectProblem(await get('admin', '/v1/admin/reports/latest'), 404);
      await putObject(key, '{"totalBytes":42}');
      await putObject(REPORT_POINTER_KEY, reportPointer(key));
      const response = await get('admin', '/v1/admin/reports/latest');
      expect(response.status).toBe(200);
      const body = (await response.json()) as { key: string; download: { method: string; url: string } };
      expect(body.key).toBe(key);
      expect(body.download.method).toBe('GET');
      const download = await fetch(body.download.url);
      expect(download.status).toBe(200);
      expect(await download.text()).toBe('{"totalBytes":42}');
    });

    test('a pointer to a report that is gone is 404, not a URL to nothing', async () => {
      const gone = reportKey(new Date('2026-05-05T09:00:00.000Z'), 'dead');
      await putObject(REPORT_POINTER_KEY, reportPointer(gone));
      await expectProblem(await get('admin', '/v1/admin/reports/latest'), 404);
    });
  });

  test('more uploads than UPLOADS_PER_MINUTE per instance: 429 with Retry-After', async () => {
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 12; i += 1) {
      const response = await createUpload('carol');
      statuses.push(response.status);
      if (response.status === 429) limited = response;
      else await response.body?.cancel();
    }
    // 5 per minute on each of the 2 instances behind the round-robin ALB.
    expect(statuses.filter((status) => status === 201)).toHaveLength(10);
    if (!limited) throw new Error('no request was limited');
    await expectProblem(limited, 429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  describe('what requests leave behind', () => {
    test('one access-log line per request: route template, status, latency, sub; no token, no health checks', async () => {
      const { uploadId } = await created('bob', { filename: 'log.txt', contentType: 'text/plain', size: 1 });
      const requestId = (await get('bob', `/v1/uploads/${uploadId}`)).headers.get('x-request-id');
      await waitFor('the access-log line', () =>
        cluster.lines().some((line) => line.requestId === requestId),
      );
      const requests = cluster.lines().filter((line) => line.msg === 'request');
      expect(requests.filter((line) => line.requestId === requestId)).toEqual([
        expect.objectContaining({
          method: 'GET',
          route: 'GET /v1/uploads/:uploadId',
          status: 200,
          sub: subOf('bob'),
          latencyMs: expect.any(Number),
          albTraceId: expect.stringMatching(/^Root=1-/),
        }),
      ]);
      expect(requests.some((line) => /[0-9a-f]{8}-[0-9a-f]{4}-/.test(String(line.route)))).toBe(false);
      expect(requests.some((line) => String(line.route).includes('readyz'))).toBe(false);
      const output = JSON.stringify(cluster.lines());
      for (const token of tokens.values()) expect(output).not.toContain(token.split('.')[2]);
    });

    test('request count and latency by route and status as EMF metrics', async () => {
      // Each instance flushes on its own timer: wait until both outcomes have been published.
      const uploadTotals = () =>
        emfTotals(
          cluster.lines().filter((l) => l.route === 'POST /v1/uploads'),
          'Requests',
          'status',
        );
      await waitFor(
        'upload metrics',
        () => (uploadTotals()['201'] ?? 0) >= 10 && (uploadTotals()['429'] ?? 0) >= 1,
      );
      const latencies = cluster
        .lines()
        .filter((line) => line.route === 'POST /v1/uploads' && '_aws' in line && 'Latency' in line);
      expect(latencies.length).toBeGreaterThan(0);
      expect(uploadTotals()['429']).toBeGreaterThanOrEqual(1);
    });
  });
});
