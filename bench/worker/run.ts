// `npm run bench:worker`: how much the ledger-worker costs on top of the queue it drains.
//
// On one emulator and one PostgreSQL, in one run, N messages are drained by each of:
//   - a bare loop (ReceiveMessage of 10, DeleteMessageBatch, repeat) on a queue of its own with the
//     same settings as `ledger-events`: the most any consumer gets out of this emulator;
//   - the real worker process (its start command, its defaults) on `ledger-events`, writing each
//     message to the ledger; its Secrets Manager calls are counted at a proxy in front of the emulator.
// The two take turns in rounds of BENCH_ROUND messages, so a change in the machine's load during the
// run (it is shared) affects both alike. In every round the same feeder keeps about BENCH_BACKLOG
// messages waiting: moto's SQS slows down with every message it holds, so a queue filled with all N
// up front would measure moto's scans, not the consumers. Writes bench/results/worker.json.
import { cpus } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { startLedgerTestPlatform } from '@keyless/db/testing';
import pg from 'pg';
import { startAwsProxy } from '../../apps/ledger-worker/test/support/aws-proxy.ts';
import {
  countRows,
  drainedQueue,
  sendEvents,
  uploadEvent,
} from '../../apps/ledger-worker/test/support/ledger-fixture.ts';
import { startWorkerProcess } from '../../apps/ledger-worker/test/support/worker-process.ts';

const messages = Number(process.env.BENCH_MESSAGES ?? 10_000);
const round = Math.min(messages, Number(process.env.BENCH_ROUND ?? 1_000));
const backlog = Number(process.env.BENCH_BACKLOG ?? 100);
const secretTtlSeconds = 300; // the worker's default SECRET_TTL_SECONDS
const outFile = join(import.meta.dirname, '..', 'results', 'worker.json');

const seconds = (ms: number) => Math.round(ms) / 1_000;
const rate = (count: number, ms: number) => Math.round((count / ms) * 1_000 * 10) / 10;

/** Sends `count` messages in batches of ten, never more than `backlog` ahead of `consumed()`. */
async function feed(
  sqs: SQSClient,
  queueUrl: string,
  count: number,
  consumed: () => Promise<number>,
): Promise<string[]> {
  const keys: string[] = [];
  while (keys.length < count) {
    if (keys.length - (await consumed()) >= backlog) {
      await setTimeout(20);
      continue;
    }
    const batch = Array.from({ length: Math.min(10, count - keys.length) }, () => uploadEvent());
    await sendEvents(sqs, queueUrl, batch);
    keys.push(...batch.map((event) => event.idempotencyKey));
  }
  return keys;
}

/** One round of the bare loop: feed and drain `round` messages; returns the milliseconds taken. */
async function bareRound(sqs: SQSClient, queueUrl: string): Promise<number> {
  const started = performance.now();
  let deleted = 0;
  const drain = async () => {
    while (deleted < round) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      if (Messages.length === 0) continue;
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
      deleted += Messages.length;
    }
  };
  await Promise.all([feed(sqs, queueUrl, round, async () => deleted), drain()]);
  return performance.now() - started;
}

/** One round of the worker: feed `round` messages; done when all are in the ledger and deleted. */
async function workerRound(sqs: SQSClient, queueUrl: string, db: pg.Client): Promise<number> {
  const started = performance.now();
  const recorded = async () => Number((await db.query('SELECT count(*) AS n FROM upload_events')).rows[0]?.n);
  const before = await recorded();
  const keys = await feed(sqs, queueUrl, round, async () => (await recorded()) - before);
  while (!((await countRows(db, keys)) === round && (await drainedQueue(sqs, queueUrl)))) {
    await setTimeout(20);
  }
  return performance.now() - started;
}

/** A queue for the bare loop with the settings of `ledger-events`. */
async function bareQueue(sqs: SQSClient, like: string): Promise<string> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: like,
      AttributeNames: ['VisibilityTimeout', 'ReceiveMessageWaitTimeSeconds', 'RedrivePolicy'],
    }),
  );
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'bench-bare', Attributes }));
  if (!QueueUrl) throw new Error('CreateQueue returned no URL');
  return QueueUrl;
}

console.log(`ledger-worker benchmark: ${messages} messages each, in rounds of ${round}, backlog ${backlog}`);
const ledger = await startLedgerTestPlatform();
const proxy = await startAwsProxy(ledger.platform.awsEndpoint);
const db = new pg.Client({ connectionString: ledger.ledgerAdminUrl });
await db.connect();
const sqs = ledger.admin.sqs;
const ledgerEvents = ledger.resources.queues.ledgerEvents.url;
const bare = await bareQueue(sqs, ledgerEvents);
const worker = await startWorkerProcess({
  region: ledger.platform.region,
  awsEndpoint: ledger.platform.awsEndpoint,
  queueUrl: ledgerEvents,
  writerSecretId: ledger.resources.names.writerSecret,
  AWS_ENDPOINT_URL_SECRETS_MANAGER: proxy.url,
  LOG_LEVEL: 'info',
});

try {
  await worker.waitUntilReady();
  const workerStarted = performance.now();
  let bareMs = 0;
  let workerMs = 0;
  for (let done = 0; done < messages; done += round) {
    const bareTook = await bareRound(sqs, bare);
    const workerTook = await workerRound(sqs, ledgerEvents, db);
    if (worker.child.exitCode !== null) throw new Error(`the worker exited:\n${worker.output()}`);
    bareMs += bareTook;
    workerMs += workerTook;
    console.log(
      `  ${done + round}/${messages}: bare loop ${rate(round, bareTook)} messages/s, worker ${rate(round, workerTook)} messages/s`,
    );
  }
  const workerLifetimeMs = performance.now() - workerStarted;

  const getSecretValue = proxy.count('GetSecretValue');
  const describeSecret = proxy.count('DescribeSecret');
  const secretsManagerCalls = getSecretValue + describeSecret;
  const ttlWindows = Math.ceil(workerLifetimeMs / 1_000 / secretTtlSeconds);
  const ratio = Math.round((rate(messages, workerMs) / rate(messages, bareMs)) * 1_000) / 1_000;
  const result = {
    benchmark: 'ledger-worker',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
    emulator: 'moto server (local/platform/requirements.in), embedded PostgreSQL',
    messages,
    round,
    backlog,
    bareLoop: { seconds: seconds(bareMs), messagesPerSecond: rate(messages, bareMs) },
    worker: {
      seconds: seconds(workerMs),
      messagesPerSecond: rate(messages, workerMs),
      concurrency: 10,
      lifetimeSeconds: seconds(workerLifetimeMs),
      secretsManager: {
        getSecretValue,
        describeSecret,
        callsPer10000Messages: Math.round((secretsManagerCalls * 10_000 * 100) / messages) / 100,
        secretTtlSeconds,
        ttlWindows,
      },
    },
    ratio: { workerToBareLoop: ratio, target: 0.8, met: ratio >= 0.8 },
    secretsManagerTarget: { callsAtMost: ttlWindows, met: secretsManagerCalls <= ttlWindows },
  };
  mkdirSync(join(import.meta.dirname, '..', 'results'), { recursive: true });
  writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`bare loop: ${result.bareLoop.messagesPerSecond} messages/s`);
  console.log(`worker:    ${result.worker.messagesPerSecond} messages/s`);
  console.log(`worker / bare loop: ${ratio} (target ≥ 0.8)`);
  console.log(
    `Secrets Manager calls: ${secretsManagerCalls} (GetSecretValue ${getSecretValue}, DescribeSecret ` +
      `${describeSecret}) over ${seconds(workerLifetimeMs)} s = ${ttlWindows} TTL window(s) of ${secretTtlSeconds} s`,
  );
  console.log(`written to ${outFile}`);
} finally {
  await worker.stop();
  await db.end();
  await proxy.close();
  await ledger.stop();
}
