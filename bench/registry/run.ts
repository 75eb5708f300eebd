// `npm run bench:registry`: what IAM-decided push and pull cost. In one run, a BENCH_MIB (50) MiB
// image is pushed and pulled with crane against two registries side by side, in alternating
// rounds (ABBA…):
//   - `iam`: the local ECR as `npm start` runs it (local/image-registry): the HTTPS front, the
//     token endpoint deciding every scope as ECR actions for the caller its sealed password names,
//     the registry verifying each bearer token; logged in with the password the permission gate's
//     GetAuthorizationToken answered to the image-publishing role, reached from a deploy-shaped
//     role by chaining, as the images job does;
//   - `open`: the same Distribution build with no authentication, serving TLS with a certificate
//     of the same local CA.
// Each round pushes a new image (random bytes, so every blob is uploaded) and pulls it back in
// full. Writes bench/results/registry.json; the target is iam / open ≤ 2 for push + pull. Not a
// test: the machine is shared, so only the ratios of one run compare.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalTls } from '@keyless/permission-gate';
import { craneClient, type CraneClient } from '../../local/image-registry/src/crane-client.ts';
import { startRegistryProcess } from '../../local/image-registry/src/registry-process.ts';
import { CRANE, DISTRIBUTION, ensureRegistryTool } from '../../local/image-registry/src/registry-tools.ts';
import { getLoginPassword } from '../../local/image-registry/test/support/image-clients.ts';
import { startRegistryFixture } from '../../local/image-registry/test/support/registry-fixture.ts';

const root = join(import.meta.dirname, '..', '..');
const MIB = Number(process.env.BENCH_MIB ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const TARGET = 2;
const outFile = join(root, 'bench', 'results', 'registry.json');
const progress = (line: string) => process.stderr.write(`${line}\n`);

type Side = 'iam' | 'open';
interface Timing {
  side: Side;
  round: number;
  pushSeconds: number;
  pullSeconds: number;
}

async function timed(step: Promise<{ ok: boolean; stderr: string }>, what: string): Promise<number> {
  const started = process.hrtime.bigint();
  const result = await step;
  if (!result.ok) throw new Error(`${what} failed: ${result.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function layer(directory: string, round: number): Promise<string> {
  const payload = join(directory, `payload-${round}.bin`);
  await writeFile(payload, randomBytes(MIB * 1024 * 1024));
  const tar = join(directory, `layer-${round}.tar`);
  await new Promise<void>((resolve, reject) =>
    execFile('tar', ['-cf', tar, '-C', directory, `payload-${round}.bin`], (error) =>
      error ? reject(error) : resolve(),
    ),
  );
  return tar;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] ?? NaN)
    : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
};
const round3 = (value: number) => Math.round(value * 1000) / 1000;

async function main(): Promise<void> {
  progress('building (or finding) the registry and crane');
  const registryBinary = ensureRegistryTool(DISTRIBUTION);
  const craneBinary = ensureRegistryTool(CRANE);
  const workDir = await mkdtemp(join(tmpdir(), 'keyless-bench-registry-'));
  progress('starting the emulator, the identity plane, the gate and the local ECR');
  const fixture = await startRegistryFixture();
  const clients: CraneClient[] = [];
  let open: Awaited<ReturnType<typeof startRegistryProcess>> | undefined;
  const openDir = await mkdtemp(join(tmpdir(), 'keyless-bench-open-'));
  try {
    const tls = await createLocalTls(['localhost']);
    open = await startRegistryProcess({
      binary: registryBinary,
      workDir: openDir,
      auth: null,
      tls: await tls.issueCertificate(['localhost'], 'keyless bench open registry'),
    });
    const caFiles = { iam: fixture.caFile, open: join(openDir, 'ca.pem') };
    await writeFile(caFiles.open, tls.caCertificate);

    const deploy = await fixture.serviceCredentials(fixture.roleArns.deploy);
    const login = await getLoginPassword({
      endpoint: fixture.gate.tlsEndpoint ?? '',
      region: fixture.platform.region,
      credentials: await fixture.chainToPublisher(deploy),
      caFile: fixture.caFile,
    });
    if (!login.ok) throw new Error(`aws ecr get-login-password failed: ${login.stderr}`);
    const iamClient = await craneClient({ binary: craneBinary, caFile: caFiles.iam });
    const openClient = await craneClient({ binary: craneBinary, caFile: caFiles.open });
    clients.push(iamClient, openClient);
    const loggedIn = await iamClient.login(fixture.registry.host, login.stdout);
    if (!loggedIn.ok) throw new Error(`crane auth login failed: ${loggedIn.stderr}`);
    const sides: Record<Side, { client: CraneClient; host: string }> = {
      iam: { client: iamClient, host: fixture.registry.host },
      open: { client: openClient, host: `localhost:${open.port}` },
    };

    const timings: Timing[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const tar = await layer(workDir, round);
      const order: Side[] = round % 2 === 0 ? ['iam', 'open'] : ['open', 'iam'];
      for (const side of order) {
        const { client, host } = sides[side];
        const ref = `${host}/keyless/api:bench-${round}`;
        const pushSeconds = await timed(client.pushLayer(tar, ref), `push to ${side}`);
        const pulled = join(workDir, `pulled-${side}-${round}`);
        const pullSeconds = await timed(client.pull(ref, pulled), `pull from ${side}`);
        await rm(pulled, { recursive: true, force: true });
        timings.push({ side, round, pushSeconds: round3(pushSeconds), pullSeconds: round3(pullSeconds) });
        progress(
          `round ${round + 1}/${ROUNDS} ${side}: push ${pushSeconds.toFixed(2)} s, pull ${pullSeconds.toFixed(2)} s`,
        );
      }
      await rm(tar, { force: true });
    }

    const summary = (side: Side) => {
      const own = timings.filter((timing) => timing.side === side);
      return {
        pushSeconds: round3(median(own.map((timing) => timing.pushSeconds))),
        pullSeconds: round3(median(own.map((timing) => timing.pullSeconds))),
        pushPullSeconds: round3(median(own.map((timing) => timing.pushSeconds + timing.pullSeconds))),
      };
    };
    const iam = summary('iam');
    const openSide = summary('open');
    const ratio = round3(iam.pushPullSeconds / openSide.pushPullSeconds);
    const result = {
      benchmark: 'registry',
      when: new Date().toISOString(),
      machine: {
        cpus: availableParallelism(),
        model: cpus()[0]?.model,
        kernel: release(),
        loadavg: loadavg(),
      },
      imageMiB: MIB,
      rounds: ROUNDS,
      client: `crane ${CRANE.version}`,
      registry: `distribution ${DISTRIBUTION.version}`,
      medians: { iam, open: openSide },
      ratio: {
        pushPull: ratio,
        push: round3(iam.pushSeconds / openSide.pushSeconds),
        pull: round3(iam.pullSeconds / openSide.pullSeconds),
      },
      target: { pushPullRatioAtMost: TARGET, met: ratio <= TARGET },
      timings,
    };
    mkdirSync(join(root, 'bench', 'results'), { recursive: true });
    writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(
      `push+pull of ${MIB} MiB, median of ${ROUNDS}: iam ${iam.pushPullSeconds} s, open ${openSide.pushPullSeconds} s, ` +
        `ratio ${ratio} (target ≤ ${TARGET}: ${ratio <= TARGET ? 'met' : 'NOT met'}); wrote ${outFile}\n`,
    );
  } finally {
    for (const client of clients) await client.close();
    await open?.close();
    await fixture.stop();
    await rm(workDir, { recursive: true, force: true });
    await rm(openDir, { recursive: true, force: true });
  }
}

await main();
