import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { LambdaCredentialEnvironment } from '@keyless/identity-plane';
import { spawnOwned } from '@keyless/owned-process';
import type { FunctionDefinition } from '../function-definition.ts';
import { lambdaEnvironmentVariables, nodeArguments } from '../lambda-environment-variables.ts';
import { RuntimeInitError, startRuntimeApiServer } from './runtime-api-server.ts';

const runtimeClient = fileURLToPath(new URL('./runtime-client.ts', import.meta.url));

/** Lambda's error document: what a failed invocation returns and the failure destination carries. */
export interface LambdaError {
  errorType?: string;
  errorMessage: string;
  trace?: string[];
}

export type InvocationResult =
  | { status: 'success'; response: unknown }
  | { status: 'error' | 'timeout' | 'crash' | 'init-error'; error: LambdaError };

export interface Invoked {
  result: InvocationResult;
  durationMs: number;
  maxMemoryUsedMb?: number;
}

export interface EnvironmentSpec {
  fn: FunctionDefinition;
  functionArn: string;
  nodeExecutable: string;
  /** Extra flags before the runtime client, e.g. `--import` of a telemetry layer. */
  nodeArguments: string[];
  /** The execution role's session for this environment. */
  credentials: () => Promise<LambdaCredentialEnvironment>;
  /** Each line the function writes to stdout or stderr (on AWS: its CloudWatch log stream). */
  output: (line: string) => void;
  initTimeoutMs: number;
}

export interface ExecutionEnvironment {
  id: string;
  /** Process start to the runtime client's first request for work: Lambda's "Init Duration". */
  initDurationMs: number;
  /** When the environment's credentials expire; it must be retired before. */
  expiresAt: Date;
  alive(): boolean;
  invoke(requestId: string, event: unknown): Promise<Invoked>;
  dispose(): Promise<void>;
}

/**
 * One execution environment: a long-lived Node.js process running the runtime client, which
 * imports the handler once (cold start) and then serves invocations one at a time (warm). A
 * timeout or a crash ends the process, as Lambda resets the environment; a function error does not.
 */
export async function startExecutionEnvironment(spec: EnvironmentSpec): Promise<ExecutionEnvironment> {
  const { fn } = spec;
  const { environment: credentials, expiration } = await spec.credentials();
  const api = await startRuntimeApiServer();
  const started = performance.now();
  // Its own process group, tied to this process: nothing outlives the local Lambda runtime.
  const child = spawnOwned(
    spec.nodeExecutable,
    [...nodeArguments(fn.memorySizeMb), ...spec.nodeArguments, runtimeClient],
    {
      cwd: fn.codeDirectory,
      env: lambdaEnvironmentVariables(
        fn,
        { runtimeApi: api.address, runtimeDirectory: dirname(runtimeClient) },
        credentials,
      ),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  for (const stream of [child.stdout, child.stderr])
    if (stream) createInterface({ input: stream }).on('line', spec.output);
  let running = true;
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ? `signal: ${signal}` : `exit status ${code}`));
    child.once('error', (error) => resolve(`the process could not start: ${error.message}`));
  }).finally(() => {
    running = false;
  });

  let disposed: Promise<void> | undefined;
  const dispose = () => {
    disposed ??= (async () => {
      if (running) child.kill('SIGKILL');
      await exited;
      await api.close();
    })();
    return disposed;
  };

  let initTimer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      api.initialized,
      exited.then((how) =>
        Promise.reject(new RuntimeInitError('Runtime.ExitError', `Runtime exited with error: ${how}`)),
      ),
      new Promise((_, reject) => {
        initTimer = setTimeout(
          () =>
            reject(
              new RuntimeInitError('Sandbox.Timedout', `init did not finish within ${spec.initTimeoutMs} ms`),
            ),
          spec.initTimeoutMs,
        );
      }),
    ]);
  } catch (error) {
    await dispose();
    throw error;
  } finally {
    clearTimeout(initTimer);
  }
  const initDurationMs = performance.now() - started;

  return {
    id: randomUUID(),
    initDurationMs,
    expiresAt: expiration,
    alive: () => running,
    dispose,
    async invoke(requestId, event) {
      const timeoutMs = fn.timeoutSeconds * 1000;
      const begun = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const answered = api.invoke({
        requestId,
        deadlineMs: Date.now() + timeoutMs,
        functionArn: spec.functionArn,
        traceId: `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replaceAll('-', '').slice(0, 24)};Sampled=0`,
        event,
      });
      const outcome = await Promise.race([
        answered.then((answer) => ({ answer })),
        exited.then((how) => ({ exited: how })),
        new Promise<{ timedOut: true }>((resolve) => {
          timer = setTimeout(() => resolve({ timedOut: true }), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      const durationMs = performance.now() - begun;
      if ('answer' in outcome) {
        const { answer } = outcome;
        const result: InvocationResult =
          answer.kind === 'response'
            ? { status: 'success', response: parseJson(answer.body) }
            : { status: 'error', error: errorDocument(answer.body) };
        return {
          result,
          durationMs,
          ...(answer.maxRssKb !== undefined && { maxMemoryUsedMb: Math.ceil(answer.maxRssKb / 1024) }),
        };
      }
      // A timeout or a crash leaves the process in an unknown state: Lambda discards the environment.
      await dispose();
      if ('timedOut' in outcome) {
        const message = `${new Date().toISOString()} ${requestId} Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`;
        return { result: { status: 'timeout', error: { errorMessage: message } }, durationMs };
      }
      const message = `RequestId: ${requestId} Error: Runtime exited with error: ${outcome.exited}`;
      return {
        result: { status: 'crash', error: { errorType: 'Runtime.ExitError', errorMessage: message } },
        durationMs,
      };
    },
  };
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

function errorDocument(body: string): LambdaError {
  const parsed = parseJson(body) as Partial<LambdaError> | string;
  if (typeof parsed === 'object' && parsed !== null && typeof parsed.errorMessage === 'string') {
    return { ...parsed, errorMessage: parsed.errorMessage };
  }
  return { errorType: 'Runtime.Unknown', errorMessage: String(body) };
}
