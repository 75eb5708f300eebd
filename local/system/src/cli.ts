// `npm start`, `npm run demo`, `npm run rehearse:deploy` and `npm run break-policy`.
import { readFile } from 'node:fs/promises';
import { holdPath } from '@keyless/owned-process';
import { loadConfig } from '@keyless/config';
import { writePlatformFile } from './platform-file.ts';
import { describeOutcome, rehearsals, rehearse } from './rehearse-deploy.ts';
import { describeImageStep, rehearseImages } from './rehearse-images.ts';
import { runDemo } from './demo.ts';
import { reporterRunsByCaller } from './reporter-by-caller.ts';
import { breakPolicy, restorePolicy } from './break-policy.ts';
import { ssoCommand } from './sso-command.ts';
import { buildWhatRuns } from './build-what-runs.ts';
import { emulatorFlag, ensureEmulatorInstalled } from './emulator-flag.ts';
import { logOutput, outputStream } from './log-output.ts';
import { startServices } from './start-services.ts';
import { startSystem, type SystemDescription } from './start-system.ts';
import { shutdownOnSignals } from './shutdown.ts';
import { summary } from './summary.ts';
import { systemEnv } from './system-config.ts';

/** `npm start`: builds what it runs, starts the local system, and stops it as shutdown.ts says. */
async function start(): Promise<void> {
  // `--emulator <name>` stands for KEYLESS_EMULATOR, and is validated as it.
  const emulator = emulatorFlag(process.argv);
  if (emulator !== undefined) process.env.KEYLESS_EMULATOR = emulator;
  const config = loadConfig(systemEnv);
  const file = config.KEYLESS_PLATFORM_FILE;
  const output = logOutput(process.argv.includes('--json'), (text) => process.stdout.write(text));
  const shutdown = shutdownOnSignals(file, (line) => console.log(line));
  try {
    // npm start's set-up step installs moto only; it does not see the flag.
    if (config.KEYLESS_EMULATOR && emulator !== undefined) ensureEmulatorInstalled(config.KEYLESS_EMULATOR);
    // Under docker compose the image was built with the bundle in it, and holds no Nx.
    if (!config.KEYLESS_COMPOSE_TASKS) buildWhatRuns();
    const startedAt = performance.now();
    const system = await startSystem(config, { destination: outputStream('identity-plane', output) });
    shutdown.steps.push(() => system.stop());
    void system.died.then((sentence) => shutdown.stop(sentence, 1));
    // Under docker compose the services are containers of their own: this process is the identity plane.
    const services = config.KEYLESS_COMPOSE_TASKS
      ? undefined
      : await startServices(system, { tracesFile: config.KEYLESS_TRACES_FILE, output });
    if (services) shutdown.steps.push(() => services.stop());
    const description = {
      ...system.description,
      ...(config.KEYLESS_ALB_URL && { albUrl: config.KEYLESS_ALB_URL }),
      ...(services && { albUrl: services.albUrl, tracesFile: config.KEYLESS_TRACES_FILE }),
    };
    await writePlatformFile(file, description);
    // It holds the demo users' passwords: if this process is killed, its watchdog deletes it.
    holdPath(file);
    console.log(summary(description, file, performance.now() - startedAt));
    if (services) {
      const schedule = setInterval(
        () => void services.runReporter(),
        config.KEYLESS_REPORT_INTERVAL_SECONDS * 1000,
      );
      shutdown.steps.push(() => clearInterval(schedule));
    }
  } catch (error) {
    shutdown.stop(`start failed: ${(error as Error).message}`, 1);
  }
}

async function runningSystem(): Promise<SystemDescription> {
  const config = loadConfig(systemEnv);
  const text = await readFile(config.KEYLESS_PLATFORM_FILE, 'utf8').catch(() => {
    throw new Error(
      `no running system described at ${config.KEYLESS_PLATFORM_FILE}: run \`npm start\` first`,
    );
  });
  return JSON.parse(text) as SystemDescription;
}

async function demo(): Promise<void> {
  const system = await runningSystem();
  if (!system.albUrl) throw new Error('the running system has no services: start it with `npm start`');
  // Under docker compose the demo runs in the identity container, which cannot start containers:
  // `--reporter-by-caller` asks whoever started it (local/compose's compose-demo.ts) to run them.
  const byCaller = process.argv.includes('--reporter-by-caller')
    ? reporterRunsByCaller(process.stdin, process.stdout)
    : undefined;
  const failures = await runDemo(system, (text) => process.stdout.write(text), {
    ...(byCaller && { runReporter: byCaller.runReporter }),
  });
  byCaller?.close();
  console.log(
    failures
      ? `\ndemo: ${failures} step(s) did not behave as printed`
      : '\ndemo: every step behaved as printed',
  );
  process.exitCode = failures ? 1 : 0;
}

async function rehearseDeploy(): Promise<void> {
  const system = await runningSystem();
  let unexpected = 0;
  for (const rehearsal of rehearsals) {
    const outcome = await rehearse(system, rehearsal);
    if (outcome.outcome !== rehearsal.expect) unexpected++;
    console.log(describeOutcome(outcome));
  }
  // The images job, a pull request's login, and each pull role's pulls (rehearse-images.ts).
  for (const step of (await rehearseImages(system)).steps) {
    if (step.outcome !== step.expect) unexpected++;
    console.log(describeImageStep(step));
  }
  process.exitCode = unexpected ? 1 : 0;
}

/** `npm run break-policy -- <role> <Sid>` or `-- <role> --restore`. */
async function breakPolicyCommand(): Promise<void> {
  const [role, what] = process.argv.slice(3);
  if (!role || !what) {
    console.error('usage: npm run break-policy -- <role> <statement Sid> | <role> --restore');
    process.exitCode = 2;
    return;
  }
  const system = await runningSystem();
  const file = loadConfig(systemEnv).KEYLESS_PLATFORM_FILE;
  console.log(
    what === '--restore'
      ? await restorePolicy(system, file, role)
      : await breakPolicy(system, file, role, what),
  );
}

const commands: Record<string, () => Promise<void>> = {
  start,
  demo,
  'rehearse-deploy': rehearseDeploy,
  'break-policy': breakPolicyCommand,
  sso: async () => {
    process.exitCode = await ssoCommand(
      await runningSystem(),
      process.argv.slice(3),
      console.log,
      console.error,
    );
  },
};
const command = commands[process.argv[2] ?? ''];
if (!command) {
  console.error(`usage: cli.ts ${Object.keys(commands).join(' | ')}`);
  process.exit(2);
}
command().catch((error: unknown) => {
  console.error(`${process.argv[2]} failed: ${(error as Error).message}`);
  process.exit(1);
});
