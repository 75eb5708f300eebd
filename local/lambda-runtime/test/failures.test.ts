import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DestinationRecord } from '../src/index.ts';
import {
  eventually,
  keyOf,
  runtimeNeeds,
  startRuntimeFixture,
  type RuntimeFixture,
} from './support/runtime-fixture.ts';
import { emulatorSuite } from '@keyless/testing/emulator-suite';

emulatorSuite(runtimeNeeds, () => {
  let fixture: RuntimeFixture;
  let bucket: string;
  let fn: Awaited<ReturnType<RuntimeFixture['startFunction']>>;
  const failures: DestinationRecord[] = [];

  beforeAll(async () => {
    fixture = await startRuntimeFixture();
    bucket = await fixture.newBucket();
    fn = await fixture.startFunction(bucket, 'behaviours', { memorySizeMb: 128, timeoutSeconds: 2 });
  });
  afterAll(async () => {
    await fn?.lambda.stop();
    await fixture?.stop();
  });

  /** Waits for the failure-destination record of the event about `key`. */
  const failureFor = (key: string) =>
    eventually(async () => {
      await fixture.failureRecords(failures);
      return failures.find((record) =>
        JSON.stringify(record.requestPayload).includes(encodeURIComponent(key.split('/').at(-1) ?? '')),
      );
    }, `the failure record for ${key}`);
  const attemptsFor = (key: string) => fn.reports.filter((r) => keyOf(r) === key);

  describe('asynchronous invocation: two retries, then the failure destination', () => {
    test('a function error: three attempts with one request id in the same warm process, then the destination record', async () => {
      const key = 'incoming/fail/broken.txt';
      await fixture.put(bucket, key);
      const record = await failureFor(key);
      const attempts = attemptsFor(key);
      expect(attempts.map((r) => [r.attempt, r.status])).toEqual([
        [1, 'error'],
        [2, 'error'],
        [3, 'error'],
      ]);
      expect(new Set(attempts.map((r) => r.requestId))).toEqual(new Set([record.requestContext.requestId]));
      // A function error does not reset the environment (a timeout or a crash does).
      expect(attempts.slice(1).every((r) => r.initDurationMs === undefined)).toBe(true);
      expect(record).toEqual({
        version: '1.0',
        timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        requestContext: {
          requestId: attempts[0]?.requestId,
          functionArn: `${fn.lambda.functionArn}:$LATEST`,
          condition: 'RetriesExhausted',
          approximateInvokeCount: 3,
        },
        requestPayload: attempts[0]?.event,
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        responsePayload: {
          errorType: 'TypeError',
          errorMessage: `failing on purpose for ${key}`,
          trace: expect.arrayContaining([`TypeError: failing on purpose for ${key}`]),
        },
      });
    });

    test('a timeout: the error says so, and the environment is discarded, never reused', async () => {
      const key = 'incoming/sleep/slow.txt';
      await fixture.put(bucket, key);
      const record = await failureFor(key);
      const attempts = attemptsFor(key);
      expect(attempts.map((r) => r.status)).toEqual(['timeout', 'timeout', 'timeout']);
      expect(record.responsePayload.errorMessage).toMatch(
        new RegExp(
          `^\\d{4}-\\d{2}-\\d{2}T\\S+ ${record.requestContext.requestId} Task timed out after 2.00 seconds$`,
        ),
      );
      const timedOut = new Set(attempts.map((r) => r.environmentId));
      expect(timedOut.size).toBe(3);
      await fixture.put(bucket, 'incoming/echo/after-timeouts.txt');
      const after = await eventually(
        () => fn.reports.find((r) => keyOf(r) === 'incoming/echo/after-timeouts.txt'),
        'an invocation after the timeouts',
      );
      const laterReports = fn.reports.slice(fn.reports.indexOf(attempts[2] ?? after) + 1);
      expect(laterReports.some((r) => timedOut.has(r.environmentId))).toBe(false);
    });

    test('a crash: Runtime.ExitError with the exit status', async () => {
      const key = 'incoming/crash/crash.txt';
      await fixture.put(bucket, key);
      const record = await failureFor(key);
      expect(record.responsePayload).toEqual({
        errorType: 'Runtime.ExitError',
        errorMessage: `RequestId: ${record.requestContext.requestId} Error: Runtime exited with error: exit status 3`,
      });
    });

    test('the memory size limits the heap: a function that keeps allocating is killed by V8', async () => {
      const key = 'incoming/hog/hog.txt';
      await fixture.put(bucket, key);
      const record = await failureFor(key);
      expect(record.responsePayload).toMatchObject({
        errorType: 'Runtime.ExitError',
        errorMessage: expect.stringMatching(
          /Runtime exited with error: (signal: SIGABRT|signal: SIGTRAP|exit status 134)/,
        ),
      });
      expect(fn.output.some((line) => line.includes('JavaScript heap out of memory'))).toBe(true);
    });

    test('a failing event does not hold up the others', async () => {
      await fixture.put(bucket, 'incoming/fail/second-broken.txt');
      await fixture.put(bucket, 'incoming/echo/fine.txt');
      const fine = await eventually(
        () => fn.reports.find((r) => keyOf(r) === 'incoming/echo/fine.txt'),
        'the fine event',
      );
      expect(fine).toMatchObject({ status: 'success', attempt: 1 });
      await failureFor('incoming/fail/second-broken.txt');
    });
  });

  describe('init and configuration failures', () => {
    test('a handler that is not exported fails the init phase of every attempt, and the event reaches the destination', async () => {
      const other = await fixture.newBucket();
      const broken = await fixture.startFunction(other, 'no-handler');
      try {
        await fixture.put(other, 'incoming/any/file.txt');
        const record = await failureFor('incoming/any/file.txt');
        expect(record.responsePayload).toEqual({
          errorType: 'Runtime.HandlerNotFound',
          errorMessage: 'index.handler is undefined or not exported',
        });
        expect(
          broken.reports.filter((r) => keyOf(r) === 'incoming/any/file.txt').map((r) => r.status),
        ).toEqual(['init-error', 'init-error', 'init-error']);
      } finally {
        await broken.lambda.stop();
      }
    });

    test('an execution role that does not trust lambda.amazonaws.com is refused before anything starts', async () => {
      const other = await fixture.newBucket();
      await expect(fixture.startFunction(other, 'behaviours', { roleArn: fixture.ecsRole })).rejects.toThrow(
        /cannot be assumed by Lambda: .*lambda\.amazonaws\.com/,
      );
      expect(fixture.lines).toContainEqual(
        expect.objectContaining({
          mechanism: 'lambda-environment',
          decision: 'denied',
          role: fixture.ecsRole,
        }),
      );
    });

    test('environment variables may not use Lambda’s reserved names', async () => {
      const other = await fixture.newBucket();
      await expect(
        fixture.startFunction(other, 'behaviours', { environment: { AWS_ACCESS_KEY_ID: 'AKIA-static' } }),
      ).rejects.toThrow(/reserved keys: AWS_ACCESS_KEY_ID/);
    });
  });
});
