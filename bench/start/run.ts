// `npm run bench:start`: how long `npm start` takes from launch to healthy (every service gated on
// its health check), against the floor measured in the same run: the emulator and PostgreSQL
// alone, which every start must wait for anyway. Writes bench/results/start.json.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmbeddedDatabase, startEmulatorProcess } from '@keyless/local-platform';

const runs = Number(process.env.BENCH_RUNS ?? '3');
const root = join(import.meta.dirname, '../..');
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

async function floorMs(): Promise<number> {
  const started = performance.now();
  const [emulator, database] = await Promise.all([startEmulatorProcess(), startEmbeddedDatabase()]);
  const elapsed = performance.now() - started;
  await Promise.all([emulator.stop(), database.stop()]);
  return elapsed;
}

async function npmStartMs(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'keyless-bench-start-'));
  const file = join(dir, 'platform.json');
  const started = performance.now();
  const child = spawn(process.execPath, [join(root, 'local/system/src/cli.ts'), 'start'], {
    env: {
      PATH: process.env.PATH,
      KEYLESS_PLATFORM_FILE: file,
      KEYLESS_TOKEN_DIR: join(dir, 'tokens'),
      KEYLESS_TRACES_FILE: join(dir, 'traces.jsonl'),
    },
    stdio: 'ignore',
  });
  while (!existsSync(file)) {
    if (child.exitCode !== null) throw new Error(`npm start exited ${child.exitCode}`);
    await sleep(50);
  }
  const elapsed = performance.now() - started;
  await new Promise((done) => {
    child.once('exit', done);
    child.kill('SIGTERM');
  });
  rmSync(dir, { recursive: true, force: true });
  return elapsed;
}

const floor: number[] = [];
const full: number[] = [];
for (let run = 1; run <= runs; run++) {
  floor.push(await floorMs());
  full.push(await npmStartMs());
  console.log(`run ${run}: floor ${floor.at(-1)?.toFixed(0)} ms, npm start ${full.at(-1)?.toFixed(0)} ms`);
}
const result = {
  benchmark: 'start',
  runs,
  floorMedianMs: Math.round(median(floor)),
  npmStartMedianMs: Math.round(median(full)),
  ratioToFloor: Number((median(full) / median(floor)).toFixed(2)),
  targetMs: 30_000,
  meetsTarget: median(full) <= 30_000,
};
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/start.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(result);
