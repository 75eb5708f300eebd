// `npm run bench:images`: each image of infra/images/Dockerfile built (with the images .env or the
// locally built ones select, as docker compose would), its size and the size of its node_modules,
// against the budget below and against its base (NODE_IMAGE, measured in the same run). Needs a
// container engine (docker on the PATH, DOCKER_HOST as for docker compose). Writes
// bench/results/images.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { selectedImages } from '@keyless/testing';

const root = join(import.meta.dirname, '../..');
const MB = 1_000_000;

/**
 * The budget, per image: what the image adds on top of its Node.js base (its code and its
 * production dependencies, nothing else), and its node_modules (apparent size, `du -sb`). Set from
 * the first measurement (issue #15: api 61 MB, ledger-worker and usage-reporter 68 MB, tools 76 MB
 * of node_modules) with about 15 MB of room: enough for a dependency, not for a second SDK
 * generation or the test harness, which the usage-reporter image used to carry (205 MB of
 * node_modules by `du`, against 96 MB by `du` now).
 */
const budget = {
  api: { addedMB: 80, nodeModulesMB: 80 },
  'ledger-worker': { addedMB: 80, nodeModulesMB: 80 },
  'usage-reporter': { addedMB: 80, nodeModulesMB: 80 },
  tools: { addedMB: 95, nodeModulesMB: 95 },
} as const;

function docker(args: string[]): string {
  const run = spawnSync('docker', args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * MB });
  if (run.error) throw run.error;
  if (run.status !== 0)
    throw new Error(`docker ${args.slice(0, 2).join(' ')} failed:\n${run.stderr.slice(-3000)}`);
  return run.stdout.trim();
}

const sizeOf = (image: string) => Number(docker(['image', 'inspect', '--format', '{{.Size}}', image]));
const mb = (bytes: number) => Math.round(bytes / (MB / 10)) / 10;

const images = selectedImages();
const base = sizeOf(images.NODE_IMAGE);
const results = [];
for (const [target, limits] of Object.entries(budget)) {
  const tag = `keyless-${target}:bench`;
  const started = performance.now();
  docker([
    'build',
    '--quiet',
    '--file',
    'infra/images/Dockerfile',
    '--target',
    target,
    '--build-arg',
    `NODE_IMAGE=${images.NODE_IMAGE}`,
    '--tag',
    tag,
    '.',
  ]);
  const buildSeconds = Math.round((performance.now() - started) / 100) / 10;
  const size = sizeOf(tag);
  const nodeModules = Number(
    docker(['run', '--rm', '--entrypoint', 'du', tag, '-sb', '/app/node_modules']).split(/\s+/)[0],
  );
  const result = {
    image: target,
    sizeMB: mb(size),
    addedToBaseMB: mb(size - base),
    nodeModulesMB: mb(nodeModules),
    budget: limits,
    withinBudget: size - base <= limits.addedMB * MB && nodeModules <= limits.nodeModulesMB * MB,
    buildSeconds,
  };
  results.push(result);
  console.log(
    `${target}: ${result.sizeMB} MB (${result.addedToBaseMB} MB on the base), node_modules ${result.nodeModulesMB} MB, ` +
      `${result.withinBudget ? 'within' : 'OVER'} budget (+${limits.addedMB} MB, node_modules ${limits.nodeModulesMB} MB); built in ${buildSeconds} s`,
  );
}
const summary = {
  benchmark: 'images',
  base: { image: images.NODE_IMAGE, sizeMB: mb(base), source: images.source },
  images: results,
  meetsBudget: results.every((result) => result.withinBudget),
};
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/images.json'), `${JSON.stringify(summary, null, 2)}\n`);
if (!summary.meetsBudget) process.exitCode = 1;
