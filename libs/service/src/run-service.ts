import { endLogs } from '@keyless/logging';
import { startPeriodicFlush } from '@keyless/metrics';
import { shutdownTelemetry } from '@keyless/telemetry';
import type * as z from 'zod/mini';
import { createServiceContext, type ServiceContext } from './service-context.ts';
import { FINAL_FLUSH_SECONDS, type ServiceProcessSettings } from './service-env.ts';

export interface RunningService {
  /**
   * Stops taking work, finishes or gives up what is in flight within `timeoutMs`, and closes what
   * it opened. Called once, on the first SIGTERM or SIGINT.
   */
  stop(timeoutMs: number): Promise<void>;
  /** A job's run: resolves with the exit code once it is done. A service leaves it out: it runs until stopped. */
  finished?: Promise<number>;
  /** Adds what the service counts itself (a pool's running totals) to the stored metrics; runs before every publish. */
  collectMetrics?(): void;
}

export interface ServiceDefinition<C extends ServiceProcessSettings> {
  /** The one place the service's name is written. */
  name: string;
  configSchema: z.core.$ZodType<C>;
  /** Wires the service's parts from the context and starts them. */
  start(context: ServiceContext<C>): RunningService | Promise<RunningService>;
}

/**
 * The process around a service, an ECS task or an EKS pod: the context (configuration, logger,
 * metrics), the metrics written every METRICS_FLUSH_SECONDS, and one way to end. On SIGTERM or
 * SIGINT the service's `stop` gets STOP_TIMEOUT_SECONDS less the time kept for the last metrics and
 * spans; the process exits 0 once it has stopped, 1 if `stop` failed or STOP_TIMEOUT_SECONDS ran
 * out. A job exits with its run's code, whether it finished by itself or was stopped. Every way out
 * writes the last metrics.
 */
export async function runService<C extends ServiceProcessSettings>({
  name,
  configSchema,
  start,
}: ServiceDefinition<C>): Promise<void> {
  const context = createServiceContext({ name, configSchema });
  const { config, logger, metrics } = context;
  let running: RunningService | undefined;
  const stopMetrics = startPeriodicFlush(metrics, config.METRICS_FLUSH_SECONDS * 1_000, () =>
    running?.collectMetrics?.(),
  );

  let exiting: number | undefined;
  const exit = async (code: number) => {
    // Called again only when the stop and STOP_TIMEOUT_SECONDS race: leave at once, and a failure
    // either of them reported (already logged) wins over a success.
    if (exiting !== undefined) process.exit(Math.max(exiting, code));
    exiting = code;
    stopMetrics();
    logger.info({ exitCode: code }, 'stopped');
    await endLogs(logger);
    process.exit(code);
  };
  const end = async (code: number) => {
    // A collector that is gone must not turn a clean stop into a failure: the spans are lost either way.
    await shutdownTelemetry().catch((error: unknown) =>
      logger.warn({ err: error }, 'spans could not be exported'),
    );
    await exit(code);
  };

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    const timeoutMs = config.STOP_TIMEOUT_SECONDS * 1_000;
    // Left armed until the process exits: a stop or a span export that hangs still ends in time,
    // before the platform's SIGKILL.
    setTimeout(() => {
      logger.error(
        { stopTimeoutSeconds: config.STOP_TIMEOUT_SECONDS },
        'not stopped within STOP_TIMEOUT_SECONDS',
      );
      void exit(1);
    }, timeoutMs);
    // A signal during start-up stops the service once it has started (a failed start ends the process below).
    const started = await starting.catch(() => undefined);
    if (!started) return;
    const code = await started.service.stop(timeoutMs - FINAL_FLUSH_SECONDS * 1_000).then(
      () => started.finished ?? 0,
      (error: unknown) => {
        logger.error({ err: error }, 'stop failed');
        return 1;
      },
    );
    await end(code);
  };
  // Before start, so a signal during start-up is not Node's default (an exit at once). Once each: the
  // same signal again (a second Ctrl-C) does end the process at once.
  process.once('SIGTERM', (signal) => void stop(signal));
  process.once('SIGINT', (signal) => void stop(signal));

  const starting = (async () => {
    running = await start(context);
    const finished = running.finished?.catch((error: unknown) => {
      logger.error({ err: error }, 'run failed');
      return 1;
    });
    return { service: running, finished };
  })();

  try {
    const { finished } = await starting;
    void finished?.then((code) => {
      if (stopping) return;
      stopping = true;
      return end(code);
    });
  } catch (error) {
    logger.error({ err: error }, 'start failed');
    await end(1);
  }
}
