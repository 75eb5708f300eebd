// `npm run bench:gate`: what the permission gate costs the services behind it. In one run, on one
// emulator and one PostgreSQL, with the gate wired as `npm start` wires it (gate-stack.ts):
//   1. the real ledger-worker draining `ledger-events` with its role's task credentials, once with
//      AWS_ENDPOINT_URL (and its QUEUE_URL) on the gate, once straight at the emulator, in
//      alternating rounds (ABAB…): messages/s of each, ratio gate / direct;
//   2. the api's upload path, the AWS calls of one POST /v1/uploads and its presigned PUT (the api's
//      own uploads table and presigner, the api role's task credentials; upload-client.ts) from
//      two processes, one through the gate and one direct, alternating rounds at concurrency 1
//      (latency-bound) and BENCH_UPLOAD_CONCURRENCY: uploads/s of each, ratio gate / direct;
//   3. the gate's own time per request, measured in this process (it runs the gate): live, from
//      Node's HTTP diagnostics channels (gate-timing.ts), the time each forwarded call spent in the
//      gate minus the emulator's part; decideCall alone on every captured request
//      (decide-cost.ts); and the forwarding overhead as the caller sees it (gate − direct latency
//      of the same call); then a CPU profile of the gate under the upload load.
// Writes bench/results/gate.json. Not a test: the machine is shared, so only the ratios of one run
// compare.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { availableParallelism, cpus, loadavg, release } from 'node:os';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import type { SQSClient } from '@aws-sdk/client-sqs';
import pg from 'pg';
import type { GateCall } from '@keyless/permission-gate';
import { sendEvents, uploadEvent } from '../../apps/ledger-worker/test/support/ledger-fixture.ts';
import { startWorkerProcess } from '../../apps/ledger-worker/test/support/worker-process.ts';
import { measureDecideCost, measureTrailRecordCost, type CapturedRequest } from './decide-cost.ts';
import { startBareProxy } from './bare-proxy.ts';
import { onOrigin, startGateStack } from './gate-stack.ts';
import { timeGateRequests, type GateRequestTiming } from './gate-timing.ts';
import { selfTimeOf } from './profile-summary.ts';
import type { UploadRound, UploadRoundResult } from './upload-client.ts';

const root = join(import.meta.dirname, '..', '..');
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const MESSAGES = env('BENCH_MESSAGES', 3_000);
const ROUND = Math.min(MESSAGES, env('BENCH_ROUND', 250));
const BACKLOG = env('BENCH_BACKLOG', 100);
const UPLOADS = env('BENCH_UPLOADS', 600);
const UPLOAD_ROUND = Math.min(UPLOADS, env('BENCH_UPLOAD_ROUND', 25));
const UPLOAD_CONCURRENCY = env('BENCH_UPLOAD_CONCURRENCY', 8);
const TARGET = 0.9;
const CAPTURE_LIMIT = 5_000;
const outFile = join(root, 'bench', 'results', 'gate.json');

/** Through the gate, through a bare forwarding proxy (uploads only), or straight to the emulator. */
type Mode = 'gate' | 'proxy' | 'direct';
/** ABBA… (ABCCBA…): a drift in the machine's speed during the run weighs on every side alike. */
const inTurn = <M extends Mode>(modes: readonly M[], index: number): M[] =>
  index % 2 === 0 ? [...modes] : [...modes].reverse();
const round1 = (value: number) => Math.round(value * 10) / 10;
const round3 = (value: number) => Math.round(value * 1_000) / 1_000;
const rate = (count: number, ms: number) => round1((count / ms) * 1_000);
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}
/** p50 / p99 (and the count) of durations in ms, as whole microseconds. */
const micros = (ms: number[]) => ({
  n: ms.length,
  p50: Math.round(quantile(ms, 0.5) * 1_000),
  p99: Math.round(quantile(ms, 0.99) * 1_000),
});

/**
 * This process's CPU (the gate's, with the bench's own feeder and polling) and the calls the gate
 * handled, over one measured window; summed per side, (gate − direct) / calls is the gate's CPU
 * per call.
 */
interface Window {
  ms: number;
  cpuMicros: number;
  gateCalls: number;
}
async function measured(work: () => Promise<unknown>): Promise<Window> {
  const calls = gateCalls;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  const used = process.cpuUsage(cpu);
  return {
    ms: performance.now() - started,
    cpuMicros: used.user + used.system,
    gateCalls: gateCalls - calls,
  };
}
/** The median of each round's ratio to the other side's round next to it (robust to one bad round). */
const medianPairRatio = (via: Window[], direct: Window[]) =>
  round3(
    quantile(
      via.map((w, i) => (direct[i]?.ms ?? Number.NaN) / w.ms),
      0.5,
    ),
  );
const sum = (windows: Window[], of: keyof Window) => windows.reduce((total, w) => total + w[of], 0);
const cpuPerCall = (via: Window[], direct: Window[], calls = sum(via, 'gateCalls')) =>
  Math.round((sum(via, 'cpuMicros') - sum(direct, 'cpuMicros')) / calls);

const scratch = mkdtempSync('/tmp/bench-gate-');
const loadAverageAtStart = loadavg().map((value) => Math.round(value * 100) / 100);
console.log(
  `permission-gate benchmark: ledger-worker ${MESSAGES} messages a side in rounds of ${ROUND}; ` +
    `${UPLOADS} uploads a side in rounds of ${UPLOAD_ROUND}, at concurrency 1 and ${UPLOAD_CONCURRENCY}`,
);

let phase = 'setup';
const captured = new Map<string, CapturedRequest[]>();
let gateCalls = 0;
const capture = (call: GateCall) => {
  gateCalls += 1;
  const list = captured.get(phase) ?? [];
  if (list.length >= CAPTURE_LIMIT) return;
  const resolved = call.decision.resolved;
  list.push({
    call,
    request: call.request,
    decidedAt: new Date(),
    operation: resolved ? `${resolved.service}:${resolved.operation}` : 'unresolved',
  });
  captured.set(phase, list);
};
const stack = await startGateStack({ scratch, onCall: (call) => capture(call) });
const timing = timeGateRequests(stack.gate.endpoint);
const setPhase = (next: string) => {
  phase = next;
  timing.setPhase(next);
};
const proxy = await startBareProxy(stack.emulator);
const endpointOf = (mode: Mode) =>
  ({ gate: stack.gate.endpoint, proxy: proxy.endpoint, direct: stack.emulator })[mode];
const children: ChildProcess[] = [];
const db = new pg.Client({ connectionString: stack.ledger.ledgerAdminUrl });
await db.connect();

/** Sends `count` messages in batches of ten, never more than BACKLOG ahead of `consumed()`. */
async function feed(sqs: SQSClient, queueUrl: string, count: number, consumed: () => Promise<number>) {
  let sent = 0;
  while (sent < count) {
    if (sent - (await consumed()) >= BACKLOG) {
      await setTimeout(20);
      continue;
    }
    const batch = Array.from({ length: Math.min(10, count - sent) }, () => uploadEvent());
    await sendEvents(sqs, queueUrl, batch);
    sent += batch.length;
  }
}

const recorded = async () =>
  Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM upload_events')).rows[0]?.n);

/**
 * One round of the worker, as a fresh ECS task of its role (new task credentials), pointed at the
 * gate or at the emulator: timed from ready to every message of the round in the ledger.
 */
async function workerRound(mode: 'gate' | 'direct'): Promise<Window> {
  const endpoint = endpointOf(mode);
  const worker = await startWorkerProcess({
    region: stack.region,
    awsEndpoint: endpoint,
    queueUrl: onOrigin(stack.ledger.resources.queues.ledgerEvents.url, endpoint),
    writerSecretId: stack.names.writerSecret,
    AWS_ENDPOINT_URL_STS: endpoint,
    ...(await stack.taskCredentials('ledger-worker')),
    LOG_LEVEL: 'info',
  });
  try {
    await worker.waitUntilReady();
    setPhase(`worker-${mode}`);
    const before = await recorded();
    const queueUrl = stack.ledger.resources.queues.ledgerEvents.url;
    return await measured(async () => {
      await feed(stack.ledger.admin.sqs, queueUrl, ROUND, async () => (await recorded()) - before);
      while ((await recorded()) - before < ROUND) {
        if (worker.child.exitCode !== null) throw new Error(`the worker exited:\n${worker.output()}`);
        await setTimeout(20);
      }
    });
  } finally {
    setPhase('between');
    await worker.stop();
  }
}

/** A process making the api's upload calls with the api role's task credentials, via `mode`. */
async function startUploadClient(mode: Mode) {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'upload-client.ts')], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      AWS_REGION: stack.region,
      AWS_ENDPOINT_URL: endpointOf(mode),
      AWS_ENDPOINT_URL_STS: endpointOf(mode),
      ...(await stack.taskCredentials('api')),
      UPLOADS_TABLE: stack.names.uploadsTable,
      FILES_BUCKET: stack.names.bucket,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(child);
  const [ready] = (await once(child, 'message')) as [unknown];
  if (ready !== 'ready') throw new Error(`the ${mode} upload client did not start`);
  return async (round: UploadRound, as = `upload-${mode}-c${round.concurrency}`) => {
    setPhase(as);
    let result: UploadRoundResult | undefined;
    const window = await measured(async () => {
      child.send(round);
      [result] = (await once(child, 'message')) as [UploadRoundResult];
    });
    setPhase('between');
    if (!result) throw new Error(`no answer from the ${mode} upload client`);
    return { ...result, window };
  };
}

/** Self time in this process (the gate, chiefly) while `work` runs, from V8's sampling profiler. */
async function profiled(work: () => Promise<unknown>) {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  const started = performance.now();
  await work();
  const seconds = (performance.now() - started) / 1_000;
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  writeFileSync(join(scratch, 'gate.cpuprofile'), JSON.stringify(profile));
  return { seconds: round1(seconds), cpuProfile: join(scratch, 'gate.cpuprofile'), ...selfTimeOf(profile) };
}

try {
  // 1. The worker's drain.
  const drain = { gate: [] as Window[], direct: [] as Window[] };
  for (let done = 0, index = 0; done < MESSAGES; done += ROUND, index += 1) {
    for (const mode of inTurn(['gate', 'direct'] as const, index)) drain[mode].push(await workerRound(mode));
    console.log(
      `  worker ${done + ROUND}/${MESSAGES}: through the gate ${rate(ROUND, drain.gate.at(-1)?.ms ?? 0)} ` +
        `messages/s, direct ${rate(ROUND, drain.direct.at(-1)?.ms ?? 0)} messages/s`,
    );
  }
  const drained = (mode: 'gate' | 'direct') => ({
    seconds: round1(sum(drain[mode], 'ms') / 1_000),
    messagesPerSecond: rate(MESSAGES, sum(drain[mode], 'ms')),
    rounds: drain[mode].map((w) => rate(ROUND, w.ms)),
  });
  const worker = {
    gate: { ...drained('gate'), gateCalls: sum(drain.gate, 'gateCalls') },
    direct: drained('direct'),
    gateCpuMicrosPerCall: cpuPerCall(drain.gate, drain.direct),
    medianRoundRatio: medianPairRatio(drain.gate, drain.direct),
  };

  // 2. The api's upload path.
  const clients = {
    gate: await startUploadClient('gate'),
    proxy: await startUploadClient('proxy'),
    direct: await startUploadClient('direct'),
  };
  const uploadModes = ['gate', 'proxy', 'direct'] as const;
  for (const mode of uploadModes) await clients[mode]({ count: 40, concurrency: 4 }, 'warm-up');
  type UploadRoundMeasured = Awaited<ReturnType<(typeof clients)['gate']>>;
  const uploadSide = async (concurrency: number) => {
    const rounds: Record<Mode, UploadRoundMeasured[]> = { gate: [], proxy: [], direct: [] };
    for (let done = 0, index = 0; done < UPLOADS; done += UPLOAD_ROUND, index += 1) {
      for (const mode of inTurn(uploadModes, index)) {
        rounds[mode].push(await clients[mode]({ count: UPLOAD_ROUND, concurrency }));
      }
    }
    const figures = (mode: Mode) => {
      const windows = rounds[mode].map((result) => result.window);
      return {
        uploadsPerSecond: rate(UPLOADS, sum(windows, 'ms')),
        putItemMicros: micros(rounds[mode].flatMap((result) => result.putItemMs)),
        presignedPutMicros: micros(rounds[mode].flatMap((result) => result.putObjectMs)),
      };
    };
    const result = {
      concurrency,
      gate: {
        ...figures('gate'),
        gateCalls: sum(
          rounds.gate.map((r) => r.window),
          'gateCalls',
        ),
      },
      proxy: figures('proxy'),
      direct: figures('direct'),
      medianRoundRatio: {
        gate: medianPairRatio(
          rounds.gate.map((r) => r.window),
          rounds.direct.map((r) => r.window),
        ),
        proxy: medianPairRatio(
          rounds.proxy.map((r) => r.window),
          rounds.direct.map((r) => r.window),
        ),
      },
      proxyCpuMicrosPerCall: cpuPerCall(
        rounds.proxy.map((r) => r.window),
        rounds.direct.map((r) => r.window),
        sum(
          rounds.gate.map((r) => r.window),
          'gateCalls',
        ),
      ),
      gateCpuMicrosPerCall: cpuPerCall(
        rounds.gate.map((r) => r.window),
        rounds.direct.map((r) => r.window),
      ),
    };
    console.log(
      `  uploads at concurrency ${concurrency}: through the gate ${result.gate.uploadsPerSecond} uploads/s, ` +
        `bare proxy ${result.proxy.uploadsPerSecond} uploads/s, direct ${result.direct.uploadsPerSecond} uploads/s`,
    );
    return result;
  };
  const upload = { sequential: await uploadSide(1), concurrent: await uploadSide(UPLOAD_CONCURRENCY) };

  // 3. The gate's own time: live (diagnostics channels), decideCall alone, and as the caller sees it.
  const live = (timings: GateRequestTiming[]) => ({
    own: micros(timings.map((t) => t.ownMs)),
    beforeForwarding: micros(timings.map((t) => t.beforeMs)),
    afterAnswer: micros(timings.map((t) => t.afterMs)),
    connectToEmulator: micros(timings.map((t) => t.connectMs)),
    emulator: micros(timings.map((t) => t.upstreamMs)),
  });
  const liveFigures = {
    worker: live(timing.timings('worker-gate')),
    upload: live(timing.timings('upload-gate-c1')),
    [`uploadConcurrency${UPLOAD_CONCURRENCY}`]: live(timing.timings(`upload-gate-c${UPLOAD_CONCURRENCY}`)),
  };
  const decide = async (of: string) => {
    const requests = captured.get(of) ?? [];
    const cost = await measureDecideCost(stack.deps, requests);
    const operations = new Map<string, number>();
    for (const { operation } of requests) operations.set(operation, (operations.get(operation) ?? 0) + 1);
    const trail = measureTrailRecordCost(requests, stack.region);
    return {
      ...micros(cost.micros.map((value) => value / 1_000)),
      fastestOf3: micros(cost.fastestMicros.map((value) => value / 1_000)),
      trailRecord: {
        ...micros(trail.first.map((value) => value / 1_000)),
        fastestOf3: micros(trail.fastest.map((value) => value / 1_000)),
      },
      refused: cost.refused,
      waitsForEmulator: { calls: cost.emulatorWaits, ms: round1(cost.emulatorWaitMs) },
      operations: Object.fromEntries(operations),
    };
  };
  const decideCost = { worker: await decide('worker-gate'), upload: await decide('upload-gate-c1') };
  const seq = upload.sequential;
  const overhead = (call: 'putItemMicros' | 'presignedPutMicros') => ({
    p50: seq.gate[call].p50 - seq.direct[call].p50,
    p99: seq.gate[call].p99 - seq.direct[call].p99,
  });

  // 4. Where the gate's time goes: a CPU profile of this process under one more round of uploads.
  let profiledRound: UploadRoundMeasured | undefined;
  const profile = await profiled(async () => {
    profiledRound = await clients.gate({ count: 200, concurrency: UPLOAD_CONCURRENCY }, 'profiled');
  });
  const profiledCalls = profiledRound?.window.gateCalls ?? 0;
  const profileCpuMicros = profiledRound?.window.cpuMicros ?? 0;

  const workerRatio = round3(worker.gate.messagesPerSecond / worker.direct.messagesPerSecond);
  const uploadRatio = (kind: keyof typeof upload) =>
    round3(upload[kind].gate.uploadsPerSecond / upload[kind].direct.uploadsPerSecond);
  const ratios = {
    workerDrain: workerRatio,
    uploadConcurrency1: uploadRatio('sequential'),
    [`uploadConcurrency${UPLOAD_CONCURRENCY}`]: uploadRatio('concurrent'),
  };
  // Not part of the target: how much of the gap any forwarding hop explains.
  const proxyRatio = (kind: keyof typeof upload) =>
    round3(upload[kind].proxy.uploadsPerSecond / upload[kind].direct.uploadsPerSecond);
  const bareProxyRatios = {
    uploadConcurrency1: proxyRatio('sequential'),
    [`uploadConcurrency${UPLOAD_CONCURRENCY}`]: proxyRatio('concurrent'),
  };
  const result = {
    benchmark: 'permission-gate',
    date: new Date().toISOString(),
    machine: {
      cpus: availableParallelism(),
      cpu: cpus()[0]?.model,
      kernel: release(),
      loadAverageAtStart,
      loadAverageAtEnd: loadavg().map((value) => Math.round(value * 100) / 100),
    },
    versions: { node: process.version, emulator: 'moto server (local/platform/requirements.in)' },
    settings: {
      messages: MESSAGES,
      round: ROUND,
      backlog: BACKLOG,
      uploads: UPLOADS,
      uploadRound: UPLOAD_ROUND,
      uploadConcurrency: UPLOAD_CONCURRENCY,
      gate: 'as start-system.ts wires it: role policies cached 1 s, resource names, the local trail written',
    },
    workerDrain: { ...worker, ratio: workerRatio },
    uploadPath: upload,
    gateOwnMicros: {
      live: liveFigures,
      cpuPerCall: {
        worker: worker.gateCpuMicrosPerCall,
        upload: upload.sequential.gateCpuMicrosPerCall,
        [`uploadConcurrency${UPLOAD_CONCURRENCY}`]: upload.concurrent.gateCpuMicrosPerCall,
      },
      decideCall: decideCost,
      forwardingOverheadAsCallerSees: {
        putItem: overhead('putItemMicros'),
        presignedPut: overhead('presignedPutMicros'),
      },
    },
    profile: {
      ...profile,
      calls: profiledCalls,
      cpuMicrosPerCall: Math.round(profileCpuMicros / Math.max(1, profiledCalls)),
    },
    ratios,
    bareProxyRatios,
    target: { gateToDirect: TARGET, met: Object.values(ratios).every((value) => value >= TARGET) },
  };
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`);
  console.log(
    JSON.stringify({ ratios, gateOwnMicros: result.gateOwnMicros, target: result.target }, null, 2),
  );
  console.log(`written to ${outFile}`);
} finally {
  timing.close();
  for (const child of children) child.kill();
  await proxy.close();
  await db.end();
  await stack.stop();
}
