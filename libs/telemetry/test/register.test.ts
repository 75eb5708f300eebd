// Runs a small ESM app the way services run: `node --import @keyless/telemetry/register app.ts`,
// against a fake S3 (and a fake OTLP collector) on 127.0.0.1, then reads what it exported.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SpanLine } from '../src/index.ts';
import { SAMPLER_NAMES } from '../src/telemetry-config.ts';

const libDir = join(import.meta.dirname, '..');
const fixture = join(import.meta.dirname, 'fixtures', 'instrumented-app.ts');

interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

async function recordingServer(responseHeaders: Record<string, string> = {}) {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      res.writeHead(200, responseHeaders).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, requests, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function runApp(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', '@keyless/telemetry/register', fixture], {
    cwd: libDir,
    // Only what the app needs: nothing leaks in from the developer's shell, dummy AWS keys stay in the child.
    env: {
      PATH: process.env.PATH,
      OTEL_SERVICE_NAME: 'telemetry-fixture',
      AWS_ENDPOINT_URL: s3.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'fixture-key',
      AWS_SECRET_ACCESS_KEY: 'fixture-secret',
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

let s3: { server: Server; requests: Recorded[]; url: string };
let dir: string;
let tracesFile: string;

beforeAll(async () => {
  s3 = await recordingServer({ ETag: '"5d41402abc4b2a76b9719d911017c592"' });
});
afterAll(() => {
  s3.server.close();
});
beforeEach(() => {
  s3.requests.length = 0;
  dir = mkdtempSync(join(tmpdir(), 'keyless-telemetry-'));
  tracesFile = join(dir, 'traces.jsonl');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function readSpans(): SpanLine[] {
  return readFileSync(tracesFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as SpanLine);
}

describe('node --import @keyless/telemetry/register', () => {
  it('traces ESM imports of node:http and the AWS SDK, and patches pg', async () => {
    const run = await runApp({ KEYLESS_TRACES_FILE: tracesFile });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const app = JSON.parse(run.stdout) as { receivedTraceparent: string; pgQueryPatched: boolean };
    const spans = readSpans();
    const only = (predicate: (span: SpanLine) => boolean) => {
      const matching = spans.filter(predicate);
      expect(matching).toHaveLength(1);
      return matching[0] as SpanLine;
    };

    // Outgoing and incoming HTTP: one trace, the server span a child of the client span.
    const client = only((span) => span.kind === 'CLIENT' && span.name === 'GET');
    const server = only((span) => span.kind === 'SERVER');
    expect(server).toMatchObject({ traceId: client.traceId, parentSpanId: client.spanId });
    // Named after the route template the router matched, not the raw path.
    expect(server).toMatchObject({ name: 'GET /hello/:name', attributes: { 'http.route': '/hello/:name' } });
    expect(app.receivedTraceparent).toBe(`00-${client.traceId}-${client.spanId}-01`);

    // The S3 call: a single span (no HTTP child), under the app's own span, with RPC attributes.
    const upload = only((span) => span.name === 'upload');
    const putObject = only((span) => span.name === 'S3.PutObject');
    expect(putObject).toMatchObject({
      traceId: upload.traceId,
      parentSpanId: upload.spanId,
      kind: 'CLIENT',
      attributes: {
        'rpc.system': 'aws-api',
        'rpc.service': 'S3',
        'rpc.method': 'PutObject',
        'aws.s3.bucket': 'incoming',
        'cloud.region': 'us-east-1',
      },
      status: { code: 'UNSET' },
    });
    expect(spans.filter((span) => span.traceId === upload.traceId)).toHaveLength(2);

    // The trace context the app put in the object metadata reached S3.
    expect(s3.requests).toHaveLength(1);
    expect(s3.requests[0]?.headers['x-amz-meta-traceparent']).toBe(
      `00-${upload.traceId}-${upload.spanId}-01`,
    );

    expect(new Set(spans.map((span) => span.resource['service.name']))).toEqual(
      new Set(['telemetry-fixture']),
    );
    expect(app.pgQueryPatched).toBe(true);
  });

  it('exports protobuf to the OTLP endpoint', async () => {
    const collector = await recordingServer();
    try {
      const run = await runApp({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url });
      expect(run).toMatchObject({ code: 0, stderr: '' });

      const exports = collector.requests.filter(
        (request) => request.method === 'POST' && request.url === '/v1/traces',
      );
      expect(exports.length).toBeGreaterThan(0);
      expect(exports[0]?.headers['content-type']).toBe('application/x-protobuf');
      // Protobuf keeps strings verbatim, which is enough to see what was sent without decoding it.
      const sent = Buffer.concat(exports.map((request) => request.body));
      expect(sent.includes('telemetry-fixture')).toBe(true);
      expect(sent.includes('S3.PutObject')).toBe(true);
      expect(existsSync(tracesFile)).toBe(false);
    } finally {
      collector.server.close();
    }
  });

  it('stops the app from starting when a variable is bad: one line per problem, no stack trace', async () => {
    const run = await runApp({
      KEYLESS_TRACES_FILE: tracesFile,
      OTEL_EXPORTER_OTLP_ENDPOINT: 'not-a-url',
      OTEL_TRACES_SAMPLER: 'sometimes',
    });

    expect(run.code).toBe(1);
    // The same lines as the services' own configuration check (loadConfig in @keyless/config).
    expect(run.stderr.split('\n')).toEqual([
      'Invalid configuration: OTEL_EXPORTER_OTLP_ENDPOINT: must be an http(s) URL such as http://localhost:4318',
      `Invalid configuration: OTEL_TRACES_SAMPLER: must be one of ${SAMPLER_NAMES.join(', ')}`,
      '',
    ]);
    expect(run.stderr).not.toContain('    at ');
    expect(run.stdout).toBe('');
    expect(s3.requests).toHaveLength(0);
  });

  it('does nothing with OTEL_SDK_DISABLED=true: no spans, no propagation, nothing patched', async () => {
    const run = await runApp({ KEYLESS_TRACES_FILE: tracesFile, OTEL_SDK_DISABLED: 'true' });

    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(run.stdout)).toEqual({ receivedTraceparent: '', pgQueryPatched: false });
    expect(existsSync(tracesFile)).toBe(false);
    expect(s3.requests).toHaveLength(1);
    expect(s3.requests[0]?.headers).not.toHaveProperty('x-amz-meta-traceparent');
  });
});
