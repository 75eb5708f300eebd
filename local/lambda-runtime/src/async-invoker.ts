import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { destinationRecord, type DestinationRecord } from './failure-destination.ts';
import type { EnvironmentPool } from './runtime/environment-pool.ts';
import type { InvocationResult, LambdaError } from './runtime/execution-environment.ts';
import { RuntimeInitError } from './runtime/runtime-api-server.ts';

/** One invocation, as Lambda's REPORT line describes it, plus what went in and came out. */
export interface InvocationReport {
  requestId: string;
  /** 1 for the first attempt, 2 and 3 for the retries. */
  attempt: number;
  status: InvocationResult['status'];
  durationMs: number;
  memorySizeMb: number;
  maxMemoryUsedMb?: number;
  /** Present on a cold start: the new environment's init duration. */
  initDurationMs?: number;
  environmentId?: string;
  event: unknown;
  response?: unknown;
  error?: LambdaError;
}

export interface AsyncInvokerOptions {
  pool: EnvironmentPool;
  functionArn: string;
  memorySizeMb: number;
  maximumRetryAttempts: number;
  /** Wait before each retry (Lambda waits about 1 and then 2 minutes). */
  retryDelaysMs: number[];
  sendToFailureDestination: (record: DestinationRecord) => Promise<void>;
  onInvocation: (report: InvocationReport) => void;
}

export type Delivery = 'succeeded' | 'sent-to-failure-destination';

/**
 * Lambda's asynchronous invocation: invoke; on an error or a timeout invoke again after a delay,
 * up to `maximumRetryAttempts` times, with the same request id; when all attempts failed, send
 * the event with the last error to the failure destination. Aborting (the runtime stops) leaves
 * the event undelivered, to be picked up again.
 */
export function createAsyncInvoker(options: AsyncInvokerOptions) {
  async function attempt(
    requestId: string,
    event: unknown,
    attemptNumber: number,
  ): Promise<InvocationResult> {
    const base = { requestId, attempt: attemptNumber, memorySizeMb: options.memorySizeMb, event };
    let lease;
    try {
      lease = await options.pool.acquire();
    } catch (error) {
      if (!(error instanceof RuntimeInitError)) throw error;
      const failed: InvocationResult = {
        status: 'init-error',
        error: { errorType: error.errorType, errorMessage: error.message },
      };
      options.onInvocation({ ...base, status: failed.status, durationMs: 0, error: failed.error });
      return failed;
    }
    const { environment, cold } = lease;
    try {
      const { result, durationMs, maxMemoryUsedMb } = await environment.invoke(requestId, event);
      options.onInvocation({
        ...base,
        status: result.status,
        durationMs,
        environmentId: environment.id,
        ...(maxMemoryUsedMb !== undefined && { maxMemoryUsedMb }),
        ...(cold && { initDurationMs: environment.initDurationMs }),
        ...(result.status === 'success' ? { response: result.response } : { error: result.error }),
      });
      return result;
    } finally {
      options.pool.release(environment);
    }
  }

  return async function invokeAsync(event: unknown, signal: AbortSignal): Promise<Delivery> {
    const requestId = randomUUID();
    for (let attemptNumber = 1; ; attemptNumber += 1) {
      const result = await attempt(requestId, event, attemptNumber);
      if (result.status === 'success') return 'succeeded';
      if (attemptNumber > options.maximumRetryAttempts) {
        await options.sendToFailureDestination(
          destinationRecord({
            requestId,
            functionArn: options.functionArn,
            invokeCount: attemptNumber,
            event,
            error: result.error,
          }),
        );
        return 'sent-to-failure-destination';
      }
      const delays = options.retryDelaysMs;
      await sleep(delays[attemptNumber - 1] ?? delays.at(-1) ?? 0, undefined, { signal });
    }
  };
}

export type AsyncInvoker = ReturnType<typeof createAsyncInvoker>;
