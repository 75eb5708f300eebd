import { GetBucketNotificationConfigurationCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { InvocationReport } from '../src/index.ts';
import {
  eventually,
  fixtureCode,
  keyOf,
  runtimeNeeds,
  startRuntimeFixture,
  type RuntimeFixture,
} from './support/runtime-fixture.ts';
import { emulatorSuite } from '@keyless/testing/emulator-suite';

emulatorSuite(runtimeNeeds, () => {
  interface Echo {
    pid: number;
    execArgv: string[];
    cwd: string;
    env: Record<string, string>;
    context: Record<string, unknown>;
    event: unknown;
  }

  let fixture: RuntimeFixture;
  let bucket: string;
  let fn: Awaited<ReturnType<RuntimeFixture['startFunction']>>;
  const echo = (report: InvocationReport | undefined) => report?.response as Echo;
  const invocationOf = (key: string) =>
    eventually(() => fn.reports.find((r) => keyOf(r) === key), `the invocation for ${key}`);

  beforeAll(async () => {
    fixture = await startRuntimeFixture();
    bucket = await fixture.newBucket();
    // Must not reach the function: it gets Lambda's environment, not the runtime's.
    process.env.KEYLESS_PARENT_ONLY = 'parent';
    fn = await fixture.startFunction(bucket, 'behaviours');
  });
  afterAll(async () => {
    delete process.env.KEYLESS_PARENT_ONLY;
    await fn?.lambda.stop();
    await fixture?.stop();
  });

  describe('an S3 event invokes the function as Lambda would', () => {
    test('the event is the notification S3 sent, unchanged', async () => {
      await fixture.put(bucket, 'incoming/echo/red flower+1.txt');
      const report = await invocationOf('incoming/echo/red flower+1.txt');
      expect(report.status).toBe('success');
      expect(echo(report).event).toEqual(report.event);
      expect(report.event).toMatchObject({
        Records: [
          {
            eventSource: 'aws:s3',
            eventName: 'ObjectCreated:Put',
            s3: { bucket: { name: bucket }, object: { size: 1 } },
          },
        ],
      });
      // However the emulator encodes it (see below), the key decodes to the one written.
      const { key } = (report.event as { Records: { s3: { object: { key: string } } }[] }).Records[0]?.s3
        .object ?? { key: '' };
      expect(decodeURIComponent(key.replaceAll('+', ' '))).toBe('incoming/echo/red flower+1.txt');
    });

    // moto writes a slash as %2F, LocalStack core a space as %20: there the runtime hands on what it
    // was sent all the same (above).
    emulatorSuite(['s3-event-key-encoding'], () => {
      test("the key in it is encoded as S3 encodes it: a space as '+', a plus as '%2B', slashes kept", async () => {
        await fixture.put(bucket, 'incoming/echo/blue flower+2.txt');
        const report = await invocationOf('incoming/echo/blue flower+2.txt');
        expect(report.event).toMatchObject({
          Records: [{ s3: { object: { key: 'incoming/echo/blue+flower%2B2.txt' } } }],
        });
      });
    });

    test('the s3:TestEvent S3 sends when the notification is configured reaches the function too', async () => {
      const report = await eventually(
        () => fn.reports.find((r) => (r.event as { Event?: string }).Event === 's3:TestEvent'),
        'the test event',
      );
      expect(report).toMatchObject({ status: 'success', attempt: 1 });
    });

    test('the context object and the Lambda environment variables', async () => {
      await fixture.put(bucket, 'incoming/echo/context.txt');
      const report = await invocationOf('incoming/echo/context.txt');
      const { context, env, cwd } = echo(report);
      const functionName = `fn-${bucket}`;
      expect(context).toEqual({
        functionName,
        functionVersion: '$LATEST',
        invokedFunctionArn: fn.lambda.functionArn,
        memoryLimitInMB: '256',
        awsRequestId: report.requestId,
        logGroupName: `/aws/lambda/${functionName}`,
        logStreamName: expect.stringMatching(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/),
        remainingTimeInMillis: expect.any(Number),
      });
      expect(context.remainingTimeInMillis).toBeGreaterThan(0);
      expect(context.remainingTimeInMillis).toBeLessThanOrEqual(2000);
      expect(fn.lambda.functionArn).toMatch(
        new RegExp(`^arn:aws:lambda:eu-west-1:\\d{12}:function:${functionName}$`),
      );
      expect(env).toMatchObject({
        AWS_LAMBDA_FUNCTION_NAME: functionName,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
        AWS_REGION: 'eu-west-1',
        AWS_DEFAULT_REGION: 'eu-west-1',
        _HANDLER: 'index.handler',
        LAMBDA_TASK_ROOT: fixtureCode('behaviours'),
        AWS_LAMBDA_RUNTIME_API: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
        _X_AMZN_TRACE_ID: expect.stringMatching(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Sampled=0$/),
        TZ: ':UTC',
        GREETING: 'hello',
      });
      expect(cwd).toBe(fixtureCode('behaviours').replace(/\/$/, ''));
      expect(env).not.toHaveProperty('KEYLESS_PARENT_ONLY');
    });

    test('the credentials are a session of the execution role, named after the function', async () => {
      await fixture.put(bucket, 'incoming/echo/credentials.txt');
      const { env } = echo(await invocationOf('incoming/echo/credentials.txt'));
      expect(env.AWS_ACCESS_KEY_ID).toBeTruthy();
      expect(env.AWS_SESSION_TOKEN).toBeTruthy();
      const sts = new STSClient({
        region: 'eu-west-1',
        endpoint: fixture.admin.sts.config.endpoint,
        credentials: {
          accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
          secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
          sessionToken: env.AWS_SESSION_TOKEN ?? '',
        },
      });
      const roleName = fixture.executionRole.split('/').at(-1);
      const { Arn } = await sts.send(new GetCallerIdentityCommand({}));
      expect(Arn).toMatch(new RegExp(`:assumed-role/${roleName}/fn-${bucket}$`));
      expect(fixture.lines).toContainEqual(
        expect.objectContaining({
          mechanism: 'lambda-environment',
          decision: 'allowed',
          role: fixture.executionRole,
        }),
      );
    });

    test('memory: V8 heap limits derived from the memory size, as Lambda’s bootstrap does', async () => {
      await fixture.put(bucket, 'incoming/echo/memory.txt');
      const report = await invocationOf('incoming/echo/memory.txt');
      expect(echo(report).execArgv).toEqual(
        expect.arrayContaining(['--max-old-space-size=231', '--max-semi-space-size=12', '--expose-gc']),
      );
      expect(report.maxMemoryUsedMb).toBeGreaterThan(0);
    });
  });

  describe('execution environments', () => {
    test('a cold start is reported once per environment; later invocations reuse the warm process', () => {
      const successes = fn.reports.filter((r) => r.status === 'success' && r.environmentId);
      const byEnvironment = Map.groupBy(successes, (r) => r.environmentId);
      for (const reports of byEnvironment.values()) {
        expect(reports[0]?.initDurationMs).toBeGreaterThan(0);
        expect(reports.slice(1).every((r) => r.initDurationMs === undefined)).toBe(true);
        const pids = new Set(reports.map((r) => (r.response as Echo).pid));
        expect(pids.size).toBe(1);
      }
      expect(byEnvironment.size).toBeLessThanOrEqual(2); // the default concurrency
      expect(successes.length).toBeGreaterThan(byEnvironment.size);
      expect(fixture.lines).toContainEqual(
        expect.objectContaining({ event: 'lambda.init', initDurationMs: expect.any(Number) }),
      );
    });

    test('one invocation per event: ten uploads, ten invocations, ten request ids', async () => {
      const keys = Array.from({ length: 10 }, (_, i) => `incoming/echo/many-${i}.txt`);
      await Promise.all(keys.map((key) => fixture.put(bucket, key)));
      await eventually(
        () => keys.every((key) => fn.reports.some((r) => keyOf(r) === key)),
        'ten invocations',
      );
      const matching = fn.reports.filter((r) => keys.includes(keyOf(r)));
      expect(matching).toHaveLength(10);
      expect(new Set(matching.map((r) => r.requestId)).size).toBe(10);
      expect(matching.every((r) => r.status === 'success' && r.attempt === 1)).toBe(true);
    });

    test('the function’s output lines reach the output sink', () => {
      expect(fn.output.some((line) => line.includes('"behaviour":"echo"'))).toBe(true);
    });
  });

  describe('stopping', () => {
    test('removes the bucket notification and ends the function processes', async () => {
      const second = await fixture.newBucket();
      const short = await fixture.startFunction(second, 'behaviours');
      await fixture.put(second, 'incoming/echo/last.txt');
      const report = await eventually(
        () => short.reports.find((r) => keyOf(r) === 'incoming/echo/last.txt'),
        'an invocation',
      );
      await short.lambda.stop();
      const configuration = await fixture.admin.s3.send(
        new GetBucketNotificationConfigurationCommand({ Bucket: second }),
      );
      expect(configuration.QueueConfigurations ?? []).toEqual([]);
      const { pid } = report.response as Echo;
      expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
    });
  });
});
