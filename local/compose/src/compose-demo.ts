// `npm run demo:compose`: the steps of `npm run demo`, against the system docker compose runs.
// The demo itself runs in the identity container, where everything the platform file names
// resolves (the emulator as `aws`, PostgreSQL as `postgres`, the ALB as `alb`, the STS front and
// the GitHub token service on the plane's own addresses); the reporter runs it asks for are
// containers of the `usage-reporter` image, started here with `docker compose run` (the identity
// container has no access to the engine, and should not).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

// The protocol of local/system's reporter-by-caller.ts (`npm run demo -- --reporter-by-caller`).
const requestPrefix = '@@keyless-demo ';
interface ReporterRequest {
  run: 'usage-reporter';
  serviceAccount: 'usage-reporter' | 'default';
}

/** The compose service each service account's pod is: its own token, or the namespace's `default`. */
export const reporterServices = {
  'usage-reporter': 'usage-reporter',
  default: 'usage-reporter-default-sa',
} as const;

export interface ComposeCommand {
  /** `docker compose` and what precedes the subcommand: `['compose', '-p', 'keyless']`, say. */
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface ReporterRunRecord {
  service: string;
  serviceAccount: ReporterRequest['serviceAccount'];
  exitCode: number;
  lines: number;
}

export interface ComposeDemoResult {
  /** The demo's exit code: 0 when every step behaved as printed. */
  exitCode: number;
  reporterRuns: ReporterRunRecord[];
}

function run(
  compose: ComposeCommand,
  args: string[],
  onLine: (line: string) => void,
): Promise<{ exitCode: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', [...compose.args, ...args], {
      cwd: compose.cwd,
      env: compose.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream, terminal: false }).on('line', onLine);
    }
    child.once('error', reject);
    child.once('close', (code) => resolve({ exitCode: code ?? 1 }));
  });
}

/** One run of the reporter's job as a container, its output lines collected. */
export async function runReporterContainer(
  compose: ComposeCommand,
  serviceAccount: ReporterRequest['serviceAccount'],
): Promise<{ exitCode: number; lines: string[]; service: string }> {
  const service = reporterServices[serviceAccount];
  const lines: string[] = [];
  // --no-deps: the system is up (identity healthy, migrations done); nothing is started again.
  const { exitCode } = await run(compose, ['run', '--rm', '--no-deps', '-T', service], (line) =>
    lines.push(line),
  );
  return { exitCode, lines, service };
}

/**
 * Runs the demo in the identity container of a running compose system, answering its reporter
 * requests with containers; `print` gets the demo's output as `npm run demo` prints it.
 */
export function runComposeDemo(
  compose: ComposeCommand,
  print: (text: string) => void = (text) => process.stdout.write(text),
): Promise<ComposeDemoResult> {
  const reporterRuns: ReporterRunRecord[] = [];
  return new Promise((resolve, reject) => {
    const demo = spawn(
      'docker',
      [
        ...compose.args,
        'exec',
        '-T',
        'identity',
        'node',
        'local/system/src/cli.ts',
        'demo',
        '--reporter-by-caller',
      ],
      { cwd: compose.cwd, env: compose.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    demo.stderr.on('data', (chunk: Buffer) => print(chunk.toString()));
    const lines = createInterface({ input: demo.stdout, terminal: false });
    let pending = Promise.resolve();
    lines.on('line', (line) => {
      if (!line.startsWith(requestPrefix)) {
        print(`${line}\n`);
        return;
      }
      const request = JSON.parse(line.slice(requestPrefix.length)) as ReporterRequest;
      pending = pending
        .then(async () => {
          const result = await runReporterContainer(compose, request.serviceAccount);
          reporterRuns.push({
            service: result.service,
            serviceAccount: request.serviceAccount,
            exitCode: result.exitCode,
            lines: result.lines.length,
          });
          const answer = {
            exitCode: result.exitCode,
            lines: result.lines.map((text) => ({ service: result.service, line: text })),
          };
          demo.stdin.write(`${JSON.stringify(answer)}\n`);
        })
        .catch((error: unknown) => {
          demo.kill('SIGTERM');
          reject(error as Error);
        });
    });
    demo.once('error', reject);
    demo.once('close', (code) => {
      void pending.then(() => resolve({ exitCode: code ?? 1, reporterRuns }));
    });
  });
}

/** The `docker compose` arguments for the repository's file, with the images .env (or the environment) selects. */
export function composeCommand(projectName?: string): ComposeCommand {
  return { args: ['compose', ...(projectName ? ['-p', projectName] : [])] };
}

if (import.meta.main) {
  const project = process.env.COMPOSE_PROJECT_NAME;
  const { exitCode } = await runComposeDemo(composeCommand(project));
  process.exitCode = exitCode;
}
