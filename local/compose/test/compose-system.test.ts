// The compose system for real, where a container engine answers: built, started and healthy, the
// demo's steps against it (`npm run demo:compose`), the reporter's job as a container, every
// workload's AWS calls decided by the permission gate (read back from the identity container's
// local CloudTrail), and torn down with nothing of it left. With CI set it must run: a missing engine fails it. Elsewhere,
// without an engine, it is reported as "not run: no container engine" (skipped, with that reason
// in npm test's account), never as passed.
import { spawnSync } from 'node:child_process';
import { probeContainerRuntime, selectedImages } from '@keyless/testing';
import { afterAll, expect, test } from 'vitest';
import { repoRoot } from '../src/compose-project.ts';
import { runComposeDemo, type ComposeCommand } from '../src/compose-demo.ts';

const project = 'keyless-e2e';
const probe = await probeContainerRuntime(process.env.DOCKER_HOST);
const runs = probe.available || Boolean(process.env.CI);
const images = selectedImages();
const compose: ComposeCommand = {
  args: ['compose', '-p', project],
  cwd: repoRoot,
  // The environment wins over .env in compose: the images the harness would use too.
  env: {
    ...process.env,
    MOTO_IMAGE: images.MOTO_IMAGE,
    POSTGRES_IMAGE: images.POSTGRES_IMAGE,
    NODE_IMAGE: images.NODE_IMAGE,
  },
};

function docker(args: string[], timeoutMs = 10 * 60_000): string {
  const run = spawnSync('docker', args, {
    cwd: compose.cwd,
    env: compose.env,
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  if (run.status !== 0) {
    throw new Error(
      `docker ${args.join(' ')} exited ${run.status}:\n${(run.stderr || run.stdout).slice(-4000)}`,
    );
  }
  return run.stdout;
}
const composeCli = (args: string[], timeoutMs?: number) => docker([...compose.args, ...args], timeoutMs);

/** What is left of the project: containers, networks and volumes carrying its compose label. */
function leftOver(): string[] {
  const label = `label=com.docker.compose.project=${project}`;
  return [
    ...docker(['ps', '--all', '--filter', label, '--format', 'container {{.Names}}']).split('\n'),
    ...docker(['network', 'ls', '--filter', label, '--format', 'network {{.Name}}']).split('\n'),
    ...docker(['volume', 'ls', '--filter', label, '--format', 'volume {{.Name}}']).split('\n'),
  ].filter(Boolean);
}

/** The last lines of every service's log, for a failure's message. */
function logs(): string {
  try {
    return composeCli(['logs', '--no-color', '--tail', '40'], 60_000).slice(-8000);
  } catch (error) {
    return (error as Error).message;
  }
}

/** `docker compose exec identity npm run trail -- --json`, as the README says: the trail's records. */
const trailCommand = [
  'exec',
  '-T',
  'identity',
  'node',
  'local/permission-gate/src/trail/trail-cli.ts',
  '--json',
];

/** What each workload of the demo calls, as `<role> <IAM action>`: allowed by the gate, each at least once. */
const workloadCalls = [
  'api dynamodb:PutItem',
  'api s3:PutObject',
  'api dynamodb:GetItem',
  'ledger-worker secretsmanager:GetSecretValue',
  'ledger-worker sqs:ReceiveMessage',
  'ledger-worker sqs:DeleteMessage',
  // The reporter reaches the ledger with an IAM token through the RDS Proxy front: no secret.
  'usage-reporter rds-db:connect',
  'usage-reporter s3:PutObject',
  // The Lambda function, with the execution role the identity container vends to its runtime.
  'upload-processor s3:GetObject',
  'upload-processor dynamodb:UpdateItem',
  'upload-processor sqs:SendMessage',
];

interface TrailRecord {
  userIdentity: { type: string; sessionContext?: { sessionIssuer?: { userName?: string } } };
  eventSource: string;
  eventName: string;
  sourceIPAddress: string;
  tlsDetails?: { tlsVersion: string };
  errorCode?: string;
  additionalEventData: { decision: string; authorizations?: { action: string }[] };
}

/**
 * What the identity container itself records: the demo runs there (`docker compose exec identity`)
 * and calls the gate from its address as a client of its own, sometimes over plain HTTP on
 * purpose; the identity plane's own STS decisions are recorded from loopback. Every other caller
 * is a workload container.
 */
const identityAddresses = new Set(['169.254.170.2', '127.0.0.1', '::1']);
const fromIdentity = (record: TrailRecord) =>
  identityAddresses.has(record.sourceIPAddress.replace(/^::ffff:/, ''));

/**
 * The role × IAM action pairs the gate allowed, the ones it refused, calls by keys it never
 * issued, the workload containers' calls that came over plain HTTP, and the roles seen over TLS.
 */
function gatedCalls(jsonLines: string): {
  allowed: Set<string>;
  /** Refused calls of the workload containers. */
  denied: string[];
  /** Refused calls the demo made itself, from the identity container, with a workload's credentials. */
  deniedToTheDemo: string[];
  unknown: string[];
  workloadOverPlainHttp: string[];
  workloadRolesOverTls: Set<string>;
} {
  const allowed = new Set<string>();
  const denied: string[] = [];
  const deniedToTheDemo: string[] = [];
  const unknown: string[] = [];
  const workloadOverPlainHttp: string[] = [];
  const workloadRolesOverTls = new Set<string>();
  for (const line of jsonLines.split('\n').filter((text) => text.startsWith('{'))) {
    const record = JSON.parse(line) as TrailRecord;
    if (!fromIdentity(record)) {
      const caller = record.userIdentity.sessionContext?.sessionIssuer?.userName ?? record.userIdentity.type;
      if (record.tlsDetails) workloadRolesOverTls.add(caller);
      else workloadOverPlainHttp.push(`${record.sourceIPAddress} ${caller} ${record.eventName}`);
    }
    if (record.userIdentity.type === 'Unknown') {
      unknown.push(`${record.eventSource} ${record.eventName} ${record.errorCode}`);
      continue;
    }
    const role = record.userIdentity.sessionContext?.sessionIssuer?.userName;
    if (!role) continue;
    for (const { action } of record.additionalEventData.authorizations ?? []) {
      if (record.additionalEventData.decision === 'denied')
        (fromIdentity(record) ? deniedToTheDemo : denied).push(`${role} ${action} ${record.errorCode}`);
      else allowed.add(`${role} ${action}`);
    }
  }
  return { allowed, denied, deniedToTheDemo, unknown, workloadOverPlainHttp, workloadRolesOverTls };
}

const timings: Record<string, number> = {};
const timed = async <T>(step: string, run: () => T | Promise<T>): Promise<T> => {
  const started = performance.now();
  try {
    return await run();
  } finally {
    timings[step] = Math.round((performance.now() - started) / 100) / 10;
  }
};

let upStarted = false;
afterAll(() => {
  // A test that failed half-way still leaves nothing behind.
  if (upStarted && runs && probe.available)
    composeCli(['--profile', 'jobs', 'down', '--volumes', '--remove-orphans']);
});

const title = runs
  ? `docker compose up --build --wait (images: ${images.source}), the demo, the reporter as a job, every call through the gate, down: nothing left`
  : `docker compose up --build --wait, the demo, down — not run: no container engine (${probe.detail})`;

test.skipIf(!runs)(
  title,
  async () => {
    if (!probe.available) throw new Error(`CI is set, so this must run, but ${probe.detail}`);
    // One image at a time first: BuildKit 0.13 (docker 26) can fail with "inconsistent graph
    // state" when compose builds several targets of one Dockerfile at once from a cold cache.
    await timed('build', () => {
      for (const service of ['identity', 'api-1', 'ledger-worker', 'usage-reporter']) {
        composeCli(['--profile', 'jobs', 'build', service], 15 * 60_000);
      }
    });
    upStarted = true;
    await timed('up', () => {
      try {
        composeCli(['up', '--detach', '--build', '--wait', '--wait-timeout', '300'], 10 * 60_000);
      } catch (error) {
        throw new Error(`${(error as Error).message}\n${logs()}`, { cause: error });
      }
    });
    let output = '';
    const demo = await timed('demo', () => runComposeDemo(compose, (text) => (output += text)));
    process.stdout.write(output);
    expect(demo.exitCode, `${output}\n${logs()}`).toBe(0);
    expect(output).toContain('demo: every step behaved as printed');
    // The reporter's job ran as containers: its own service account (IRSA) succeeded, the
    // namespace's default one was refused.
    expect(demo.reporterRuns.map(({ service, exitCode }) => ({ service, ok: exitCode === 0 }))).toEqual([
      { service: 'usage-reporter', ok: true },
      { service: 'usage-reporter-default-sa', ok: false },
    ]);
    // Every hop called AWS through the gate, as its own role: a workload that went around it (an
    // endpoint or a queue URL naming the emulator) leaves no record of its calls here.
    const trail = await timed('trail', () => composeCli(trailCommand, 60_000));
    const calls = gatedCalls(trail);
    expect([...calls.allowed].sort()).toEqual(expect.arrayContaining(workloadCalls));
    expect([...calls.allowed], 'the reporter reads no database secret').not.toContain(
      'usage-reporter secretsmanager:GetSecretValue',
    );
    expect(calls.unknown, 'calls signed with a key the gate did not issue').toEqual([]);
    // No workload container was refused anything; the refusals are the demo's own: the reporter
    // pod's credentials reading an object (step 11: the upload) from the identity container, and
    // the SAML developer's write (read-only role).
    expect(calls.denied).toEqual([]);
    expect(new Set(calls.deniedToTheDemo)).toEqual(
      new Set(['usage-reporter s3:GetObject AccessDenied', 'developer s3:PutObject AccessDenied']),
    );
    // Every workload container called the gate over HTTPS, trusting the local CA from the
    // read-only `local-ca` volume: aws:SecureTransport was true for each call, as on AWS.
    expect([...calls.workloadRolesOverTls].sort()).toEqual(
      expect.arrayContaining(['api', 'ledger-worker', 'upload-processor', 'usage-reporter']),
    );
    expect(calls.workloadOverPlainHttp, 'workload calls over plain HTTP').toEqual([]);
    process.stdout.write(
      `every workload container's call over TLS: ${[...calls.workloadRolesOverTls].sort().join(', ')}\n`,
    );
    await timed('down', () => composeCli(['--profile', 'jobs', 'down', '--volumes', '--remove-orphans']));
    upStarted = false;
    expect(leftOver()).toEqual([]);
    process.stdout.write(`compose system timings (s): ${JSON.stringify(timings)}\n`);
  },
  30 * 60_000,
);
