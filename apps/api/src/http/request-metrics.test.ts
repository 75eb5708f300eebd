import { createMetrics } from '@keyless/metrics';
import { expect, test } from 'vitest';
import { createRequestMetrics } from './request-metrics.ts';

function captureStdout(action: () => void): Record<string, unknown>[] {
  const chunks: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write;
  try {
    action();
  } finally {
    process.stdout.write = write;
  }
  return chunks
    .join('')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const metrics = () =>
  createRequestMetrics(createMetrics({ namespace: 'keyless', service: 'api', environment: 'test' }));

test('requests are aggregated by route and status; every latency value stays under its dimensions', () => {
  const recorder = metrics();
  for (let i = 0; i < 250; i += 1) recorder.recordRequest('GET /v1/me', 200, i);
  recorder.recordRequest('GET /v1/me', 401, 1);
  const documents = captureStdout(() => recorder.flush());
  const ok = documents.filter((d) => d.route === 'GET /v1/me' && d.status === '200');
  expect(ok.map((d) => d.Requests)).toEqual([99, 99, 52]);
  expect(ok.flatMap((d) => d.Latency as number[])).toHaveLength(250);
  expect(documents.filter((d) => 'Latency' in d).every((d) => typeof d.route === 'string')).toBe(true);
  expect(documents.find((d) => d.status === '401')).toMatchObject({ Requests: 1, Latency: 1 });
});

test('auth failures are counted by reason; a flush with nothing recorded writes nothing', () => {
  const recorder = metrics();
  recorder.recordAuthFailure('expired');
  recorder.recordAuthFailure('expired');
  recorder.recordAuthFailure('unknown_key');
  const documents = captureStdout(() => recorder.flush());
  expect(documents.map((d) => [d.reason, d.AuthFailures])).toEqual([
    ['expired', 2],
    ['unknown_key', 1],
  ]);
  expect(captureStdout(() => recorder.flush())).toEqual([]);
});
