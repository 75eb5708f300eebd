// `npm run bench:api`: GET /v1/me with a valid Cognito access token, measured side by side in one
// run, same connections, same JSON body:
//   bareExpress                 a bare Express handler returning that JSON;
//   api                         the api as deployed: JWT verification (verified tokens cached,
//                               the default), helmet, access log, EMF metrics, OpenTelemetry spans
//                               exported over OTLP;
//   apiTokenCacheOff            the same with ACCESS_TOKEN_CACHE_SECONDS=0 (RS256 check every request);
//   apiSampled10                the api with 1 trace in 10 sampled (parentbased_traceidratio 0.1):
//                               whether the cost is recording and export, or the instrumentation;
//   apiOtelDisabled             the same with OTEL_SDK_DISABLED=true;
//   apiOtelDisabledNoAccessLog  ... and LOG_LEVEL=warn (no access-log line);
//   apiThroughAlb               the api behind the local ALB.
// The two ablations size what telemetry and the log line cost. CPU profiles of the api and the bare
// handler under the same load then show where the time goes. Writes bench/results/api.json.
// Not a test: absolute figures depend on the machine (and on what else runs on it); ratios are the point.
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@keyless/local-platform';
import autocannon from 'autocannon';
import { summarizeProfile } from './cpu-profile.ts';
import { startBenchEmulator } from './emulator.ts';
import { measureLogLineCost } from './log-line-cost.ts';
import { startNode, waitForStatus, type Running } from './processes.ts';

const root = join(import.meta.dirname, '..', '..');
const CONNECTIONS = 16;
const WARMUP_SECONDS = 3;
const MEASURE_SECONDS = 10;
const ROUNDS = 2;

interface Measurement {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const value =
    sorted.length % 2 === 1 ? sorted[middle] : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return Math.round((value ?? 0) * 10) / 10;
}
const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;

const { platform, userDirectory, accessToken } = await startBenchEmulator();
const headers = { authorization: `Bearer ${accessToken}` };
const running: Running[] = [];
// Spans leave the api as in production (OTLP/HTTP, batched); this collector accepts and drops them.
const collector = createServer((req, res) => req.resume().on('end', () => res.writeHead(200).end()));
collector.listen(0, '127.0.0.1');
await once(collector, 'listening');

async function load(url: string, seconds: number): Promise<Measurement> {
  const result = await autocannon({ url, headers, connections: CONNECTIONS, duration: seconds });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx responses, ${result.errors} errors`);
  }
  return {
    reqPerSec: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
  };
}

/** A started server: the URL of its GET /v1/me, and how to stop it. */
interface Target {
  url: string;
  stop(): Promise<void>;
}

async function startApi(
  name: string,
  extraEnv: Record<string, string> = {},
  nodeFlags: string[] = [],
): Promise<Target> {
  const port = await freePort();
  const api = startNode(name, [...nodeFlags, '--import', '@keyless/telemetry/register', 'src/main.ts'], {
    cwd: join(root, 'apps', 'api'),
    env: {
      PORT: String(port),
      AWS_REGION: platform.region,
      AWS_ENDPOINT_URL: platform.awsEndpoint,
      // Placeholder emulator credentials, in the api's environment only (the default chain reads them).
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench-not-a-secret',
      COGNITO_USER_POOL_ID: userDirectory.userPoolId,
      COGNITO_CLIENT_ID: userDirectory.clientId,
      COGNITO_JWKS_URI: `${platform.awsEndpoint}/${userDirectory.userPoolId}/.well-known/jwks.json`,
      OTEL_SERVICE_NAME: 'api',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
      DRAIN_DELAY_SECONDS: '0',
      ...extraEnv,
    },
  });
  running.push(api);
  await waitForStatus(`http://127.0.0.1:${port}/readyz`, 200);
  return { url: `http://127.0.0.1:${port}/v1/me`, stop: () => api.stop() };
}

async function startBare(name: string, body: string, nodeFlags: string[] = []): Promise<Target> {
  const port = await freePort();
  const bare = startNode(name, [...nodeFlags, 'bench/api/bare-express.ts'], {
    cwd: root,
    env: { PORT: String(port), BENCH_BODY: body },
  });
  running.push(bare);
  const url = `http://127.0.0.1:${port}/v1/me`;
  await waitForStatus(url, 200);
  return { url, stop: () => bare.stop() };
}

async function startAlb(target: Target): Promise<Target> {
  const port = await freePort();
  const alb = startNode('alb', ['local/alb/src/cli.ts'], {
    cwd: root,
    env: { ALB_PORT: String(port), ALB_TARGETS: new URL(target.url).origin },
  });
  running.push(alb);
  const url = `http://127.0.0.1:${port}/v1/me`;
  await waitForStatus(url, 200, headers);
  return { url, stop: () => alb.stop() };
}

/** Self time by code location over a measured load, in a fresh process started with `--cpu-prof`. */
async function profile(name: string, start: (nodeFlags: string[]) => Promise<Target>) {
  const dir = mkdtempSync(join(tmpdir(), `keyless-bench-${name}-`));
  const target = await start(['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  const { reqPerSec } = await load(target.url, MEASURE_SECONDS);
  await target.stop(); // the profile is written at exit
  // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; thread 0 is the main thread.
  const file = readdirSync(dir).find((entry) => /\.\d+\.0\.\d+\.cpuprofile$/.test(entry));
  if (!file) throw new Error(`no CPU profile from ${name}`);
  return {
    reqPerSecWhileProfiling: reqPerSec,
    selfTime: summarizeProfile(join(dir, file), MEASURE_SECONDS).map((entry) => ({
      ...entry,
      // The server is saturated, so its CPU time per request is about 1 / throughput.
      microsPerRequest: Math.round((entry.selfPercent / 100) * (1e6 / reqPerSec) * 10) / 10,
    })),
  };
}

try {
  const loadAverageAtStart = loadavg().map((value) => Math.round(value * 100) / 100);
  const api = await startApi('api');
  const body = await (await fetch(api.url, { headers })).text();
  const targets = {
    bareExpress: await startBare('bare', body),
    api,
    apiTokenCacheOff: await startApi('api-token-cache-off', { ACCESS_TOKEN_CACHE_SECONDS: '0' }),
    apiSampled10: await startApi('api-sampled-10', {
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.1',
    }),
    apiOtelDisabled: await startApi('api-otel-disabled', { OTEL_SDK_DISABLED: 'true' }),
    apiOtelDisabledNoAccessLog: await startApi('api-lean', { OTEL_SDK_DISABLED: 'true', LOG_LEVEL: 'warn' }),
    apiThroughAlb: await startAlb(api),
  };
  if ((await (await fetch(targets.bareExpress.url)).text()) !== body) throw new Error('the bodies differ');

  const runs = new Map<keyof typeof targets, Measurement[]>();
  for (let round = 1; round <= ROUNDS; round += 1) {
    for (const [name, target] of Object.entries(targets) as [keyof typeof targets, Target][]) {
      await load(target.url, WARMUP_SECONDS);
      const result = await load(target.url, MEASURE_SECONDS);
      console.log(
        `round ${round} ${name}: ${result.reqPerSec} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms`,
      );
      runs.set(name, [...(runs.get(name) ?? []), result]);
    }
  }
  const results = Object.fromEntries(
    [...runs].map(([name, measured]) => [
      name,
      {
        reqPerSec: median(measured.map((m) => m.reqPerSec)),
        p50Ms: median(measured.map((m) => m.p50Ms)),
        p99Ms: median(measured.map((m) => m.p99Ms)),
        rounds: measured,
      },
    ]),
  );
  const reqPerSec = (name: keyof typeof targets) => results[name]?.reqPerSec ?? 0;
  await Promise.all(running.splice(0).map((process) => process.stop()));

  const report = {
    benchmark: 'GET /v1/me with a valid Cognito access token',
    date: new Date().toISOString(),
    node: process.version,
    cpu: `${cpus()[0]?.model ?? 'unknown'} x ${availableParallelism()}`,
    loadAverageAtStart,
    connections: CONNECTIONS,
    warmupSeconds: WARMUP_SECONDS,
    measureSeconds: MEASURE_SECONDS,
    rounds: ROUNDS,
    results,
    ratios: {
      apiVsBareExpress: ratio(reqPerSec('api'), reqPerSec('bareExpress')),
      apiTokenCacheOffVsBareExpress: ratio(reqPerSec('apiTokenCacheOff'), reqPerSec('bareExpress')),
      apiSampled10VsBareExpress: ratio(reqPerSec('apiSampled10'), reqPerSec('bareExpress')),
      apiOtelDisabledVsBareExpress: ratio(reqPerSec('apiOtelDisabled'), reqPerSec('bareExpress')),
      apiOtelDisabledNoAccessLogVsBareExpress: ratio(
        reqPerSec('apiOtelDisabledNoAccessLog'),
        reqPerSec('bareExpress'),
      ),
      apiThroughAlbVsBareExpress: ratio(reqPerSec('apiThroughAlb'), reqPerSec('bareExpress')),
      apiThroughAlbVsApi: ratio(reqPerSec('apiThroughAlb'), reqPerSec('api')),
    },
    target: { apiVsBareExpress: 0.7 },
    profiles: {
      api: await profile('api', (flags) => startApi('api-profiled', {}, flags)),
      bareExpress: await profile('bare', (flags) => startBare('bare-profiled', body, flags)),
    },
    accessLogLine: measureLogLineCost(),
  };
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(join(root, 'bench', 'results', 'api.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(JSON.stringify({ ratios: report.ratios, accessLogLine: report.accessLogLine }));
} finally {
  await Promise.all(running.map((process) => process.stop()));
  collector.close();
  await platform.stop();
}
