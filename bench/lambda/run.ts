// `npm run bench:lambda`: what the upload-processor Lambda costs next to the least a handler can
// be, both bundled with the same esbuild options, measured side by side in one run:
//   1. bundle size, shipped and loaded at cold start (target ≤ 400 KB minified);
//   2. cold init of a fresh process, N times each, alternating: process start → handler ready
//      (what Lambda reports as Init Duration, minus its own bootstrap) and the import alone
//      (target: within 2× the minimal handler's);
//   3. per-event overhead, warm, in process: both handlers invoked with an s3:TestEvent, the
//      upload-processor's path without AWS calls (validation, logging, metrics, trace flush);
//   4. per event through the local Lambda runtime against the emulator: real S3 events for small
//      objects, the runtime's REPORT duration of each function (the upload-processor doing its
//      whole job: GetItem, GetObject, UpdateItem, SendMessage).
// Also measured: the same handler with the AWS SDK left out of the bundle (taken from the
// runtime), to show what bundling the SDK costs. Writes bench/results/lambda.json.
// BENCH_COLD_RUNS (default 15), BENCH_WARM_INVOCATIONS (1000), BENCH_OBJECTS (30).
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { parseConfig } from '@keyless/config';
import { adminClients } from '@keyless/emulator-admin';
import { startLocalLambda, type InvocationReport } from '@keyless/local-lambda';
import { startSystem, systemEnv } from '@keyless/local-system';
import { build } from 'esbuild';
import { bundleOptions } from '../../apps/upload-processor/build/bundle-options.ts';
import { BUDGET_BYTES } from '../../apps/upload-processor/build/budget.ts';
import {
  largestPackages,
  loadedAtInitBytes,
  shippedBytes,
} from '../../apps/upload-processor/build/bundle-report.ts';

const coldRuns = Number(process.env.BENCH_COLD_RUNS ?? 15);
const warmInvocations = Number(process.env.BENCH_WARM_INVOCATIONS ?? 1000);
const objects = Number(process.env.BENCH_OBJECTS ?? 30);
const here = import.meta.dirname;
const outDir = join(here, 'dist');
const resultFile = join(here, '..', 'results', 'lambda.json');
const handlerSource = join(here, '../../apps/upload-processor/src/handler.ts');

const variants = {
  uploadProcessor: { entry: handlerSource, external: [] as string[] },
  minimal: { entry: join(here, 'minimal-handler.ts'), external: [] as string[] },
  sdkFromRuntime: { entry: handlerSource, external: ['@aws-sdk/*', '@smithy/*'] },
};
type Variant = keyof typeof variants;

// The configuration the handler needs at init; nothing is called at init, so no endpoint answers.
const functionEnv = {
  PATH: process.env.PATH ?? '',
  AWS_REGION: 'eu-west-1',
  UPLOADS_TABLE: 'uploads',
  LEDGER_EVENTS_QUEUE_URL: 'http://127.0.0.1:9/123456789012/ledger-events',
  LOG_LEVEL: 'info',
};
const testEvent = {
  Service: 'Amazon S3',
  Event: 's3:TestEvent',
  Time: new Date().toISOString(),
  Bucket: 'keyless-files',
};

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};
const stats = (values: number[], digits = 1) => ({
  median: round(quantile(values, 0.5), digits),
  p90: round(quantile(values, 0.9), digits),
});
const bundleFile = (variant: Variant) => join(outDir, variant, 'index.mjs');

async function bundleAll() {
  rmSync(outDir, { recursive: true, force: true });
  const sizes = {} as Record<Variant, { shipped: number; loadedAtInit: number }>;
  let packages: { name: string; bytes: number }[] = [];
  for (const [variant, { entry, external }] of Object.entries(variants) as [
    Variant,
    (typeof variants)[Variant],
  ][]) {
    const { metafile } = await build({ ...bundleOptions(entry, join(outDir, variant)), external });
    if (!metafile) throw new Error('esbuild returned no metafile');
    sizes[variant] = { shipped: shippedBytes(metafile), loadedAtInit: loadedAtInitBytes(metafile) };
    if (variant === 'uploadProcessor') packages = largestPackages(metafile, 8);
  }
  return { sizes, packages };
}

interface ProcessRun {
  spawnToReadyMs: number;
  importMs: number;
  sinceProcessStartMs: number;
  samples: number[];
}

/** One fresh process: cold init, then `invocations` warm invocations with the test event. */
function runProcess(variant: Variant, invocations: number): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const spawned = performance.now();
    const child = fork(
      join(here, 'invoke-in-process.ts'),
      [bundleFile(variant), JSON.stringify(testEvent), String(invocations)],
      {
        env: functionEnv,
        stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      },
    );
    child.stdout?.resume(); // the function's log lines, drained as Lambda's log capture would
    let ready: Omit<ProcessRun, 'samples'> | undefined;
    child.on(
      'message',
      (message: { kind: string; importMs: number; sinceProcessStartMs: number; samples: number[] }) => {
        if (message.kind === 'ready') {
          ready = {
            spawnToReadyMs: performance.now() - spawned,
            importMs: message.importMs,
            sinceProcessStartMs: message.sinceProcessStartMs,
          };
        } else if (ready) {
          resolve({ ...ready, samples: message.samples });
        }
      },
    );
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`${variant} exited with ${code}`));
    });
  });
}

async function coldInit() {
  const runs: Record<Variant, ProcessRun[]> = { uploadProcessor: [], minimal: [], sdkFromRuntime: [] };
  for (let i = 0; i < coldRuns; i += 1) {
    for (const variant of Object.keys(variants) as Variant[])
      runs[variant].push(await runProcess(variant, 0));
  }
  const summarize = (variant: Variant) => ({
    processStartToReadyMs: stats(runs[variant].map((r) => r.sinceProcessStartMs)),
    importMs: stats(runs[variant].map((r) => r.importMs)),
    spawnToReadyMs: stats(runs[variant].map((r) => r.spawnToReadyMs)),
  });
  return {
    uploadProcessor: summarize('uploadProcessor'),
    minimal: summarize('minimal'),
    sdkFromRuntime: summarize('sdkFromRuntime'),
  };
}

async function warmInProcess() {
  const perEvent = async (variant: Variant) => {
    const { samples } = await runProcess(variant, warmInvocations + 100);
    return stats(
      samples.slice(100).map((ms) => ms * 1000),
      2,
    ); // µs, after 100 warm-up invocations
  };
  return { uploadProcessorUs: await perEvent('uploadProcessor'), minimalUs: await perEvent('minimal') };
}

async function throughLocalRuntime() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-lambda-'));
  const config = parseConfig(systemEnv, {
    KEYLESS_PLATFORM_FILE: join(dir, 'platform.json'),
    KEYLESS_TOKEN_DIR: join(dir, 'tokens'),
  });
  const quiet = { write: () => true } as unknown as NodeJS.WritableStream;
  const system = await startSystem(config, { destination: quiet as never });
  try {
    const { region, resources, endpoints } = system.description;
    const admin = adminClients({ endpoint: endpoints.aws, region });
    const documents = DynamoDBDocumentClient.from(admin.dynamodb);
    const minimalBucket = 'bench-minimal';
    await admin.s3.send(
      new CreateBucketCommand({
        Bucket: minimalBucket,
        CreateBucketConfiguration: { LocationConstraint: region as never },
      }),
    );

    const run = async (
      variant: 'uploadProcessor' | 'minimal',
      bucket: string,
      environment: Record<string, string>,
    ) => {
      const reports: InvocationReport[] = [];
      const lambda = await startLocalLambda({
        function: {
          functionName: variant === 'minimal' ? 'bench-minimal' : 'upload-processor',
          codeDirectory: join(outDir, variant),
          handler: 'index.handler',
          roleArn: resources.roles['upload-processor'] ?? '',
          region,
          memorySizeMb: 512,
          timeoutSeconds: 60,
          environment,
        },
        trigger: { bucket, prefix: 'incoming/' },
        failureDestination: { queueUrl: resources.queues.uploadFailures.url },
        emulator: { endpoint: endpoints.aws, region },
        issuer: system.sts.issueServiceCredentials,
        logger: system.logger,
        concurrency: 1,
        output: () => undefined,
        onInvocation: (report) => reports.push(report),
      });
      try {
        for (let i = 0; i < objects; i += 1) {
          const uploadId = randomUUID();
          const key = `incoming/bench-user/${uploadId}`;
          const body = `object ${i}\n`;
          await documents.send(
            new PutCommand({
              TableName: resources.names.uploadsTable,
              Item: {
                ownerSub: 'bench-user',
                uploadId,
                status: 'PENDING',
                objectKey: key,
                declaredBytes: body.length,
                createdAt: new Date().toISOString(),
              },
            }),
          );
          const before = reports.length;
          await admin.s3.send(
            new PutObjectCommand({
              Bucket: bucket,
              Key: key,
              Body: Buffer.from(body),
              Metadata: { owner: 'bench-user', 'upload-id': uploadId },
            }),
          );
          while (
            reports.length === before ||
            !reports.some((r) => JSON.stringify(r.event).includes(uploadId))
          ) {
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        }
      } finally {
        await lambda.stop();
      }
      const failed = reports.filter((r) => r.status !== 'success');
      if (failed.length > 0)
        throw new Error(
          `${variant}: ${failed.length} invocations failed: ${JSON.stringify(failed[0]?.error)}`,
        );
      const warm = reports.filter(
        (r) => r.initDurationMs === undefined && JSON.stringify(r.event).includes('bench-user'),
      );
      return {
        ms: stats(warm.map((r) => r.durationMs)),
        maxMemoryUsedMb: Math.max(...reports.map((r) => r.maxMemoryUsedMb ?? 0)),
      };
    };

    const uploadProcessor = await run('uploadProcessor', resources.names.bucket, {
      AWS_ENDPOINT_URL: endpoints.aws,
      UPLOADS_TABLE: resources.names.uploadsTable,
      LEDGER_EVENTS_QUEUE_URL: resources.queues.ledgerEvents.url,
    });
    const minimal = await run('minimal', minimalBucket, {});
    return { uploadProcessor, minimal };
  } finally {
    await system.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const { sizes, packages } = await bundleAll();
console.log('bundles:', sizes);
const cold = await coldInit();
console.log('cold init:', JSON.stringify(cold));
const warm = await warmInProcess();
console.log('warm, in process:', warm);
const runtime = await throughLocalRuntime();
console.log('through the local runtime:', runtime);

const ratio = (a: number, b: number) => round(a / b, 2);
const coldRatio = ratio(
  cold.uploadProcessor.processStartToReadyMs.median,
  cold.minimal.processStartToReadyMs.median,
);
const result = {
  benchmark: 'lambda',
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model.trim(), node: process.version },
  bundle: {
    // Shipped: every .mjs deployed; loadedAtInit: what a cold start loads (no lazy chunk).
    uploadProcessorBytes: sizes.uploadProcessor.shipped,
    uploadProcessorLoadedAtInitBytes: sizes.uploadProcessor.loadedAtInit,
    minimalBytes: sizes.minimal.shipped,
    sdkFromRuntimeBytes: sizes.sdkFromRuntime.shipped,
    budgetBytes: BUDGET_BYTES,
    target: { bytesAtMost: 400 * 1024, met: sizes.uploadProcessor.shipped <= 400 * 1024 },
    largestPackages: packages,
  },
  coldInit: {
    runs: coldRuns,
    ...cold,
    ratio: {
      processStartToReady: coldRatio,
      importOnly: ratio(cold.uploadProcessor.importMs.median, cold.minimal.importMs.median),
      sdkFromRuntimeProcessStartToReady: ratio(
        cold.sdkFromRuntime.processStartToReadyMs.median,
        cold.minimal.processStartToReadyMs.median,
      ),
    },
    target: { ratioAtMost: 2, measure: 'processStartToReady', met: coldRatio <= 2 },
  },
  perEvent: {
    warmInProcess: {
      event: 's3:TestEvent',
      invocations: warmInvocations,
      ...warm,
      overheadUs: round(warm.uploadProcessorUs.median - warm.minimalUs.median),
      ratio: ratio(warm.uploadProcessorUs.median, warm.minimalUs.median),
    },
    throughLocalRuntime: {
      objects,
      ...runtime,
      overheadMs: round(runtime.uploadProcessor.ms.median - runtime.minimal.ms.median),
      ratio: ratio(runtime.uploadProcessor.ms.median, runtime.minimal.ms.median),
    },
  },
};
mkdirSync(join(here, '..', 'results'), { recursive: true });
writeFileSync(resultFile, `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${resultFile}`);
