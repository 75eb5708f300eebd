import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMetrics, MetricUnit, startPeriodicFlush } from '../src/index.ts';
import { captureEmf, parseEmf } from './emf-output.ts';

describe('startPeriodicFlush', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('publishes stored metrics each interval, skips idle intervals, and flushes on stop', () => {
    const warnings: unknown[] = [];
    const logger = {
      debug() {},
      info() {},
      error() {},
      warn: (message: unknown) => void warnings.push(message),
    };
    const metrics = createMetrics({
      namespace: 'keyless',
      service: 'ledger-worker',
      environment: 'local',
      logger,
    });
    const stop = startPeriodicFlush(metrics, 60_000);

    metrics.addMetric('MessagesProcessed', MetricUnit.Count, 2);
    expect(captureEmf(() => vi.advanceTimersByTime(59_999))).toEqual([]);
    expect(captureEmf(() => vi.advanceTimersByTime(1)).map((document) => document.MessagesProcessed)).toEqual(
      [2],
    );

    expect(captureEmf(() => vi.advanceTimersByTime(180_000))).toEqual([]);
    expect(warnings).toEqual([]);

    metrics.addMetric('MessagesProcessed', MetricUnit.Count, 1);
    expect(captureEmf(stop).map((document) => document.MessagesProcessed)).toEqual([1]);

    metrics.addMetric('MessagesProcessed', MetricUnit.Count, 9);
    expect(captureEmf(() => vi.advanceTimersByTime(600_000))).toEqual([]);
  });

  it('runs collect before each publish, so what it adds goes out with the interval and on stop', () => {
    const metrics = createMetrics({ namespace: 'keyless', service: 'ledger-worker', environment: 'local' });
    let total = 0;
    let published = 0;
    const stop = startPeriodicFlush(metrics, 60_000, () => {
      if (total > published) metrics.addMetric('RowsSeen', MetricUnit.Count, total - published);
      published = total;
    });

    total = 4;
    expect(captureEmf(() => vi.advanceTimersByTime(60_000)).map((document) => document.RowsSeen)).toEqual([
      4,
    ]);
    expect(captureEmf(() => vi.advanceTimersByTime(60_000))).toEqual([]);
    total = 7;
    expect(captureEmf(stop).map((document) => document.RowsSeen)).toEqual([3]);
  });
});

describe('in a real process', () => {
  const fixture = join(import.meta.dirname, 'fixtures', 'service-with-periodic-flush.ts');
  // If the timer kept the process alive it would never exit: kill it well before the test timeout.
  const run = (env: Record<string, string>) =>
    promisify(execFile)(process.execPath, [fixture], { env, timeout: 20_000 });

  it('lets the process exit (the timer is unref’d) and flushes the rest on stop', async () => {
    const { stdout, stderr } = await run({});
    const documents = parseEmf(stdout);
    expect(documents).toHaveLength(1);
    expect(documents[0]).toMatchObject({
      service: 'ledger-worker',
      environment: 'local',
      LedgerRowsWritten: 3,
    });
    expect(stderr).toBe('');
  });

  it('writes nothing when POWERTOOLS_DEV or POWERTOOLS_METRICS_DISABLED is set (Powertools behaviour)', async () => {
    expect((await run({ POWERTOOLS_DEV: 'true' })).stdout).toBe('');
    expect((await run({ POWERTOOLS_METRICS_DISABLED: 'true' })).stdout).toBe('');
    expect(
      parseEmf((await run({ POWERTOOLS_DEV: 'true', POWERTOOLS_METRICS_DISABLED: 'false' })).stdout),
    ).toHaveLength(1);
  });
});
