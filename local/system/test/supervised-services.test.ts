// The services as `npm start` runs them, on the real emulator and PostgreSQL: a killed task is
// replaced (new process, new task credentials), an api task leaves the ALB at once when it dies and
// rejoins only once healthy, a planned stop of an api task under a stream of POSTs loses none, and
// stopping the whole system drains the api tasks and restarts nothing.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetQueueAttributesCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { adminClients } from '@keyless/local-platform';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServices, type RunningServices } from '../src/start-services.ts';
import type { SupervisedService } from '../src/supervise-service.ts';
import { startTestSystem } from './system-fixture.ts';
import { signedInUsers } from './test-users.ts';
import { emulatorSuite } from '@keyless/testing/emulator-suite';
import { systemNeeds } from '../src/index.ts';

emulatorSuite(systemNeeds, () => {
  let harness: Awaited<ReturnType<typeof startTestSystem>>;
  let services: RunningServices | undefined;
  let db: pg.Client;
  const output: { service: string; entry: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    harness = await startTestSystem();
    services = await startServices(harness.system, {
      tracesFile: join(harness.dir, 'traces.jsonl'),
      output: (service, line) => {
        if (line.startsWith('{'))
          output.push({ service, entry: JSON.parse(line) as Record<string, unknown> });
      },
    });
    db = new pg.Client({ connectionString: harness.system.ledgerAdminUrl });
    await db.connect();
  }, 240_000);

  afterAll(async () => {
    await db?.end();
    await services?.stop();
    await harness?.stop();
  }, 120_000);

  const d = () => harness.system.description;
  const running = () => {
    if (!services) throw new Error('the services are not running');
    return services;
  };
  const service = (name: string): SupervisedService => {
    const found = running().services.get(name);
    if (!found) throw new Error(`no service ${name}`);
    return found;
  };
  const linesOf = (name: string, from = 0) => output.slice(from).filter((line) => line.service === name);
  const targetOf = (task: SupervisedService['current']) => `http://127.0.0.1:${task?.spec.env.PORT}`;

  /** Polls until `condition` holds; fails with `what` if it does not within the deadline. */
  async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(50);
    }
  }

  /** What the ECS credentials endpoint answers a task's own credentials request. */
  async function taskCredentialsStatus(task: SupervisedService['current']): Promise<number> {
    const env = task?.spec.env ?? {};
    const response = await fetch(env.AWS_CONTAINER_CREDENTIALS_FULL_URI ?? '', {
      headers: { authorization: env.AWS_CONTAINER_AUTHORIZATION_TOKEN ?? '' },
    });
    await response.arrayBuffer();
    return response.status;
  }

  /**
   * POSTs `/v1/uploads` through the ALB from `clients` sequential clients, spread over `tokens`, until
   * `count` have been answered and `until()` holds, or the deadline passes. Every status (or error) is kept.
   */
  async function postStream(options: {
    albUrl: string;
    tokens: string[];
    count: number;
    until: () => boolean;
    clients?: number;
    deadlineMs?: number;
    stopOn?: (status: number) => boolean;
  }) {
    const outcomes: (number | string)[] = [];
    const deadline = Date.now() + (options.deadlineMs ?? 240_000);
    let sent = 0;
    let halted = false;
    const client = async () => {
      while (!halted && (sent < options.count || !options.until()) && Date.now() < deadline) {
        const i = sent++;
        try {
          const response = await fetch(`${options.albUrl}/v1/uploads`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${options.tokens[i % options.tokens.length]}`,
              'content-type': 'application/json',
            },
            body: JSON.stringify({ filename: `f${i}.txt`, contentType: 'text/plain', size: 1 }),
          });
          await response.arrayBuffer();
          outcomes.push(response.status);
          if (options.stopOn?.(response.status)) halted = true;
        } catch (error) {
          outcomes.push(String((error as Error).cause ?? error));
          halted = true;
        }
      }
    };
    const done = Promise.all(Array.from({ length: options.clients ?? 8 }, client));
    return { outcomes, done };
  }

  describe('a task that dies is replaced, as ECS replaces a service task', () => {
    test(
      'SIGKILL to the ledger-worker: replaced after the 1 s back-off with new task credentials; messages sent meanwhile are recorded exactly once',
      { timeout: 180_000 },
      async () => {
        const worker = service('ledger-worker');
        const old = worker.current;
        expect(old?.healthy).toBe(true);
        expect(await taskCredentialsStatus(old)).toBe(200);
        const { sqs } = adminClients({ endpoint: d().endpoints.aws, region: d().region });
        const queueUrl = d().resources.queues.ledgerEvents.url;
        const ownerSub = `supervision-${randomUUID()}`;
        const keys: string[] = [];
        const sendBatch = async () => {
          const events = Array.from({ length: 10 }, () => {
            const uploadId = randomUUID();
            return {
              type: 'upload.processed',
              version: 1,
              idempotencyKey: `upload.processed:${uploadId}`,
              ownerSub,
              uploadId,
              key: `incoming/${ownerSub}/${uploadId}`,
              bytes: 10,
              sha256: 'a'.repeat(64),
              contentType: 'text/plain',
              occurredAt: new Date().toISOString(),
            };
          });
          const { Failed = [] } = await sqs.send(
            new SendMessageBatchCommand({
              QueueUrl: queueUrl,
              Entries: events.map((event, i) => ({ Id: String(i), MessageBody: JSON.stringify(event) })),
            }),
          );
          expect(Failed).toEqual([]);
          keys.push(...events.map((event) => event.idempotencyKey));
        };

        old?.process.child.kill('SIGKILL');
        await old?.process.exited;
        expect(worker.current).toBeUndefined();
        // The first batch goes out while no worker runs (the replacement waits out its back-off);
        // batches follow until the replacement is healthy.
        do {
          await sendBatch();
        } while (!(worker.current?.healthy && worker.current !== old));
        const replacement = worker.current;

        expect(linesOf('ledger-worker').filter((line) => typeof line.entry.restart === 'number')).toEqual([
          {
            service: 'ledger-worker',
            entry: expect.objectContaining({
              level: 'warn',
              signal: 'SIGKILL',
              restart: 1,
              msg: 'exited unexpectedly (signal SIGKILL): restart 1 in 1 s',
            }),
          },
        ]);
        // A new task: the old one's credentials are gone with it, the new one has its own.
        expect(replacement?.spec.env.AWS_CONTAINER_AUTHORIZATION_TOKEN).not.toBe(
          old?.spec.env.AWS_CONTAINER_AUTHORIZATION_TOKEN,
        );
        expect(await taskCredentialsStatus(old)).not.toBe(200);
        expect(await taskCredentialsStatus(replacement)).toBe(200);

        const recorded = async () =>
          (
            await db.query<{ n: number }>(
              'SELECT count(*)::int AS n FROM upload_events WHERE idempotency_key = ANY($1)',
              [keys],
            )
          ).rows[0]?.n;
        // Up to the visibility timeout (60 s): a receive the killed worker had open may still take messages,
        // which SQS hands out again only then.
        await waitFor(`${keys.length} ledger rows`, async () => (await recorded()) === keys.length, 120_000);
        const { rows } = await db.query<{ uploads_count: string; bytes_total: string }>(
          'SELECT uploads_count, bytes_total FROM user_usage WHERE owner_sub = $1',
          [ownerSub],
        );
        expect(rows).toEqual([{ uploads_count: String(keys.length), bytes_total: String(keys.length * 10) }]);
        const depth = async (url: string) => {
          const { Attributes = {} } = await sqs.send(
            new GetQueueAttributesCommand({
              QueueUrl: url,
              AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
            }),
          );
          return (
            Number(Attributes.ApproximateNumberOfMessages) +
            Number(Attributes.ApproximateNumberOfMessagesNotVisible)
          );
        };
        await waitFor('the queue drained', async () => (await depth(queueUrl)) === 0);
        expect(await depth(d().resources.queues.ledgerEventsDlq.url)).toBe(0);
        sqs.destroy();
      },
    );

    test(
      'SIGKILL to an api task: out of the ALB at once, replaced, and back in only once healthy',
      { timeout: 120_000 },
      async () => {
        const api = service('api-1');
        const old = api.current;
        const oldTarget = targetOf(old);
        expect(
          running()
            .alb.targetHealth()
            .find((t) => t.target === oldTarget)?.state,
        ).toBe('healthy');

        old?.process.child.kill('SIGKILL');
        await old?.process.exited;
        expect(
          running()
            .alb.targetHealth()
            .find((t) => t.target === oldTarget)?.state ?? 'gone',
        ).toMatch(/^(draining|gone)$/);
        expect(await taskCredentialsStatus(old)).not.toBe(200);

        await waitFor('a healthy replacement', () => api.current?.healthy === true && api.current !== old);
        const replacement = api.current;
        const newTarget = targetOf(replacement);
        await waitFor('the replacement healthy at the ALB', () =>
          running()
            .alb.targetHealth()
            .some((t) => t.target === newTarget && t.state === 'healthy'),
        );
        expect(linesOf('api-1').filter((line) => typeof line.entry.restart === 'number')).toEqual([
          expect.objectContaining({
            entry: expect.objectContaining({ msg: 'exited unexpectedly (signal SIGKILL): restart 1 in 1 s' }),
          }),
        ]);
        expect(linesOf('alb')).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              entry: expect.objectContaining({ target: oldTarget, to: 'draining' }),
            }),
            expect.objectContaining({ entry: expect.objectContaining({ target: newTarget, to: 'healthy' }) }),
          ]),
        );

        // The ALB sends the replacement its share of requests.
        const [token = ''] = await signedInUsers(d(), `rejoin-${randomUUID().slice(0, 8)}`, 1);
        const from = output.length;
        for (let i = 0; i < 6; i += 1) {
          const response = await fetch(`${running().albUrl}/v1/me`, {
            headers: { authorization: `Bearer ${token}` },
          });
          expect(response.status).toBe(200);
        }
        expect(linesOf('api-1', from).filter((line) => line.entry.msg === 'request').length).toBeGreaterThan(
          0,
        );
      },
    );
  });

  test(
    'stopping an api task during 2,000 POSTs through the ALB: drained first, no request fails, and it is replaced',
    { timeout: 300_000 },
    async () => {
      // 100 users, 20 POSTs each at most: under the per-user limit of one instance even if all went to one.
      const tokens = await signedInUsers(d(), `drain-${randomUUID().slice(0, 8)}`, 100);
      const api = service('api-2');
      const old = api.current;
      const oldTarget = targetOf(old);
      let replaced = false;
      const stream = await postStream({
        albUrl: running().albUrl,
        tokens,
        count: 2_000,
        until: () => replaced,
      });

      await waitFor('300 answers', () => stream.outcomes.length >= 300);
      const albFrom = linesOf('alb').length;
      const apiFrom = output.length;
      const answeredBefore = stream.outcomes.length;
      await api.stopTask();
      const answeredDuringStop = stream.outcomes.length - answeredBefore;
      expect(old?.process.child.exitCode).toBe(0);
      await waitFor('a healthy replacement at the ALB', () =>
        running()
          .alb.targetHealth()
          .some((t) => t.target === targetOf(api.current) && t.state === 'healthy' && api.current !== old),
      );
      replaced = true;
      await stream.done;

      expect(stream.outcomes.length).toBeGreaterThanOrEqual(2_000);
      expect(stream.outcomes.filter((outcome) => outcome !== 201)).toEqual([]);
      expect(answeredDuringStop).toBeGreaterThan(0);

      // Deregistered, drained (nothing cut), and only then stopped: the api drained nothing itself.
      const albLines = linesOf('alb').slice(albFrom);
      expect(albLines.map((line) => [line.entry.target, line.entry.to])).toEqual(
        expect.arrayContaining([
          [oldTarget, 'draining'],
          [oldTarget, 'unused'],
        ]),
      );
      expect(albLines.find((line) => line.entry.to === 'unused')?.entry.cutRequests).toBeUndefined();
      expect(albLines.filter((line) => line.entry.msg === 'target request failed')).toEqual([]);
      // The stopped process's own lines, from SIGTERM to its exit (its replacement logs under the same name).
      const lines = linesOf('api-2', apiFrom).map((line) => line.entry);
      const stopAt = lines.findIndex((entry) => entry.msg === 'stopping');
      const stoppedLines = lines.slice(stopAt, lines.findIndex((entry) => entry.msg === 'stopped') + 1);
      expect(stopAt).toBeGreaterThanOrEqual(0);
      expect(stoppedLines.at(-1)?.msg).toBe('stopped');
      expect(stoppedLines.filter((entry) => entry.msg === 'request' && entry.method === 'POST')).toEqual([]);
      expect(stoppedLines.find((entry) => entry.msg === 'drained: no connections left')?.cutConnections).toBe(
        0,
      );
      expect(
        linesOf('api-2', apiFrom).find((line) => typeof line.entry.restart === 'number')?.entry.msg,
      ).toBe('stopped on request: restart 1 now');
    },
  );

  test(
    'stopping the system: api tasks drained at the ALB before SIGTERM, in-flight requests answered, nothing restarted',
    { timeout: 120_000 },
    async () => {
      const tokens = await signedInUsers(d(), `stop-${randomUUID().slice(0, 8)}`, 50);
      const tasks = [...running().services.values()].map((supervised) => supervised.current);
      // Until the ALB has no target left: then it answers 503 itself, as ALB does.
      const stream = await postStream({
        albUrl: running().albUrl,
        tokens,
        count: 100,
        until: () => false,
        stopOn: (status) => status === 503,
      });
      await waitFor('50 answers', () => stream.outcomes.length >= 50);
      const from = output.length;
      const stopping = running();
      services = undefined;
      await stopping.stop();
      await stream.done;

      expect(stream.outcomes.filter((outcome) => outcome !== 201 && outcome !== 503)).toEqual([]);
      expect(stream.outcomes).toContain(503);
      expect(tasks.map((task) => task?.process.child.exitCode)).toEqual([0, 0, 0]);
      expect(output.slice(from).filter((line) => line.entry.restart !== undefined)).toEqual([]);
      expect([...stopping.services.values()].map((supervised) => supervised.current)).toEqual([
        undefined,
        undefined,
        undefined,
      ]);
      // Each api task left the ALB before it was told to stop.
      for (const name of ['api-1', 'api-2']) {
        const target = targetOf(tasks.find((task) => task?.spec.name === name));
        const leftAt = output.findIndex(
          (line, i) =>
            i >= from && line.service === 'alb' && line.entry.target === target && line.entry.to === 'unused',
        );
        const stoppingAt = output.findIndex(
          (line, i) => i >= from && line.service === name && line.entry.msg === 'stopping',
        );
        expect(leftAt).toBeGreaterThanOrEqual(0);
        expect(stoppingAt).toBeGreaterThan(leftAt);
      }
    },
  );
});
