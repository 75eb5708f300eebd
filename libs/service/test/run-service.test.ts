// runService as the platforms see it: a real process, stopped with real signals, its exit code and
// its stdout (log lines and EMF documents) read back.
import { createServer } from 'node:net';
import { describe, expect, test } from 'vitest';
import { emfOf, messagesOf, startService, stopService } from './service-process.ts';

describe.each(['SIGTERM', 'SIGINT'] as const)('%s', (signal) => {
  test('stops the service with its share of STOP_TIMEOUT_SECONDS, writes the last metrics, exits 0', async () => {
    const { code, lines, line } = await stopService(
      { STOP_TIMEOUT_SECONDS: '12', METRICS_NAMESPACE: 'acme' },
      signal,
    );

    expect(code).toBe(0);
    expect(messagesOf(lines)).toEqual(['started', 'stopping', 'service stop', 'stopped']);
    expect(line('stopping')).toMatchObject({ signal, service: 'fixture-service' });
    // Two of the twelve seconds are kept for the last metrics and spans.
    expect(line('service stop')).toMatchObject({ timeoutMs: 10_000 });
    const [last, ...more] = emfOf(lines);
    expect(more).toEqual([]);
    expect(last).toMatchObject({
      service: 'fixture-service',
      environment: 'local',
      Stopped: 1,
      Collected: 1,
      _aws: { CloudWatchMetrics: [{ Namespace: 'acme' }] },
    });
  });
});

test('metrics are written every METRICS_FLUSH_SECONDS while the service runs, with what it collects', async () => {
  const service = startService({ METRICS_FLUSH_SECONDS: '1' });
  await service.logged('started');
  await expect.poll(() => emfOf(service.lines).length, { timeout: 10_000 }).toBeGreaterThan(0);
  expect(emfOf(service.lines)[0]).toMatchObject({
    Collected: 1,
    _aws: { CloudWatchMetrics: [{ Namespace: 'keyless' }] },
  });
  service.signal('SIGTERM');
  expect((await service.exited).code).toBe(0);
});

test('a stop that fails: exit 1 with the reason, the last metrics still written', async () => {
  const { code, lines, line } = await stopService({ FIXTURE_STOP: 'reject' });
  expect(code).toBe(1);
  expect(line('stop failed')).toMatchObject({ level: 'error', err: { message: 'pool would not close' } });
  expect(emfOf(lines)).toMatchObject([{ Stopped: 1 }]);
});

test('a stop that never ends: exit 1 once STOP_TIMEOUT_SECONDS has passed, the last metrics still written', async () => {
  const { code, lines, line } = await stopService({ FIXTURE_STOP: 'hang', STOP_TIMEOUT_SECONDS: '3' });
  expect(code).toBe(1);
  expect(line('not stopped within STOP_TIMEOUT_SECONDS')).toMatchObject({
    level: 'error',
    stopTimeoutSeconds: 3,
  });
  expect(emfOf(lines)).toMatchObject([{ Stopped: 1 }]);
});

test('a start that fails: exit 1 with the reason', async () => {
  const service = startService({ FIXTURE_START: 'throw' });
  expect((await service.exited).code).toBe(1);
  expect(service.lines.find((line) => line.msg === 'start failed')).toMatchObject({
    err: { message: 'port 8080 in use' },
  });
});

describe('a job', () => {
  test('exits with its run’s code when the run ends by itself, the metrics written', async () => {
    const service = startService({ FIXTURE_RUN_EXIT_CODE: '3' });
    expect((await service.exited).code).toBe(3);
    expect(messagesOf(service.lines)).toEqual(['started', 'stopped']);
    expect(emfOf(service.lines)).toMatchObject([{ Collected: 1 }]);
  });

  test('stopped: exits with its run’s code too', async () => {
    const { code, lines } = await stopService({ FIXTURE_RUN_EXIT_CODE: '3', FIXTURE_RUN_ENDS: 'on-stop' });
    expect(code).toBe(3);
    expect(messagesOf(lines)).toEqual(['started', 'stopping', 'service stop', 'stopped']);
  });
});

test('its own variables are checked with the service’s: one line each, exit 1, nothing started', async () => {
  const service = startService({ STOP_TIMEOUT_SECONDS: '2', METRICS_FLUSH_SECONDS: '0' });
  const { code, stderr } = await service.exited;
  expect(code).toBe(1);
  expect(stderr.trim().split('\n')).toEqual([
    'Invalid configuration: STOP_TIMEOUT_SECONDS: expected 3 or more seconds (2 are kept for the last metrics and spans)',
    'Invalid configuration: METRICS_FLUSH_SECONDS: expected a whole number of seconds, 1 or more',
  ]);
  expect(service.lines).toEqual([]);
});

test('a trace collector that is gone does not turn a clean stop into a failure', async () => {
  // A port that was free a moment ago: nothing listens there.
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));

  const { code, lines, line } = await stopService(
    { OTEL_SERVICE_NAME: 'fixture-service', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` },
    'SIGTERM',
    ['--import', '@keyless/telemetry/register'],
  );
  expect(code).toBe(0);
  expect(line('spans could not be exported')).toMatchObject({
    level: 'warn',
    err: { message: expect.stringContaining('ECONNREFUSED') },
  });
  expect(messagesOf(lines).at(-1)).toBe('stopped');
});
