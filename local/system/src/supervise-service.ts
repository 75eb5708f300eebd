import { outputLogger } from './log-output.ts';
import { defaultBackOff, restartDelayMs, type BackOff } from './restart-back-off.ts';
import {
  spawnServiceProcess,
  untilHealthy,
  type OutputLine,
  type ServiceExit,
  type ServiceProcess,
  type ServiceSpec,
} from './service-process.ts';

/** One task of a service: the process to run, and what the system around it does at each step. */
export interface Task {
  spec: ServiceSpec;
  /** The process passed its health check: e.g. register it with the load balancer. */
  started?(): void;
  /** Ahead of SIGTERM, on a stop we asked for: e.g. deregister it and let in-flight requests finish. */
  beforeStop?(): Promise<void>;
  /** The process has ended, whatever the reason: e.g. take it out of the load balancer, revoke its credentials. */
  ended?(): void;
}

export interface SupervisorOptions {
  /** The service's name: its restart lines are printed under it. */
  name: string;
  /** Prepares every new task afresh (ECS gives each task credentials of its own; here also a port). */
  launch(): Promise<Task>;
  output: OutputLine;
  backOff?: Partial<BackOff>;
}

export interface RunningTask {
  spec: ServiceSpec;
  process: ServiceProcess;
  /** It passed its health check, and `started` has run. */
  healthy: boolean;
}

export interface SupervisedService {
  readonly name: string;
  /** The current task; undefined while a restart waits out its back-off. */
  readonly current: RunningTask | undefined;
  /** Replacements started so far, for any reason. */
  readonly restarts: number;
  /** ECS's StopTask on a service's task: drained and stopped, then replaced at once. */
  stopTask(): Promise<void>;
  /** Stops the service for good (the system is stopping): drained and stopped, never replaced. */
  stop(): Promise<void>;
}

interface Run extends RunningTask {
  task: Task;
  healthySince?: number;
  gone: boolean;
  /** Stopped on request, to be replaced without back-off. */
  replaceNow: boolean;
  stopping?: Promise<void>;
}

/**
 * Keeps one task of a service running, as ECS's service scheduler does: a task whose process ends
 * without being asked to is replaced by a new task after a back-off that doubles with each failure
 * in a row (see restart-back-off.ts), with one line per restart under the service's name. A
 * replacement that exits or never gets healthy is a failure too. Stops asked for (`stopTask`,
 * `stop`) run the task's `beforeStop` first and are never taken for a crash.
 * Resolves once the first task is healthy; rejects if it is not, without retrying.
 */
export async function superviseService(options: SupervisorOptions): Promise<SupervisedService> {
  const backOff = { ...defaultBackOff, ...options.backOff };
  const logger = outputLogger(options.name, options.output);
  let current: Run | undefined;
  // Exits are replaced only once the first task has been healthy: a first start fails loudly instead.
  let supervising = false;
  let stopping = false;
  let failures = 0;
  let restarts = 0;
  let timer: NodeJS.Timeout | undefined;
  let starting: Promise<void> | undefined;

  const restartLater = (what: string, fields: Record<string, unknown>, healthySince?: number) => {
    if (healthySince !== undefined && performance.now() - healthySince >= backOff.resetAfterMs) failures = 0;
    failures += 1;
    restarts += 1;
    const delayMs = restartDelayMs(failures, backOff);
    logger.warn(
      { ...fields, restart: restarts, backOffMs: delayMs },
      `${what}: restart ${restarts} in ${delayMs / 1000} s`,
    );
    schedule(delayMs);
  };

  const ended = (run: Run, exit: ServiceExit) => {
    run.gone = true;
    run.task.ended?.();
    if (current === run) current = undefined;
    if (!supervising || stopping) return;
    if (run.replaceNow) {
      restarts += 1;
      logger.info({ restart: restarts }, `stopped on request: restart ${restarts} now`);
      schedule(0);
      return;
    }
    const how = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
    restartLater(
      `exited ${run.healthy ? 'unexpectedly' : 'before it was healthy'} (${how})`,
      { exitCode: exit.code, signal: exit.signal },
      run.healthySince,
    );
  };

  const start = async (): Promise<void> => {
    let task: Task;
    try {
      task = await options.launch();
    } catch (error) {
      if (!supervising) throw error;
      restartLater(`could not start (${(error as Error).message})`, {});
      return;
    }
    if (stopping) {
      task.ended?.();
      return;
    }
    const run: Run = {
      spec: task.spec,
      process: spawnServiceProcess(task.spec, options.output),
      task,
      healthy: false,
      gone: false,
      replaceNow: false,
    };
    current = run;
    void run.process.exited.then((exit) => ended(run, exit));
    try {
      await untilHealthy(run.process, task.spec);
    } catch (error) {
      // Once supervising, its exit is a failure like any other, handled by `ended`.
      if (!supervising) throw error;
      return;
    }
    if (stopping || run.gone) return;
    run.healthy = true;
    run.healthySince = performance.now();
    task.started?.();
  };

  function schedule(delayMs: number) {
    timer = setTimeout(() => {
      timer = undefined;
      starting = start().finally(() => (starting = undefined));
    }, delayMs);
  }

  // Once per task, however many callers: a second SIGTERM would cut short the drain the first began.
  const stopRun = (run: Run) =>
    (run.stopping ??= (async () => {
      await run.task.beforeStop?.();
      await run.process.stop();
    })());

  await start();
  supervising = true;

  return {
    name: options.name,
    get current() {
      return current;
    },
    get restarts() {
      return restarts;
    },
    async stopTask() {
      if (!current || stopping) return;
      current.replaceNow = true;
      await stopRun(current);
    },
    async stop() {
      stopping = true;
      clearTimeout(timer);
      if (current) await stopRun(current);
      await starting;
    },
  };
}
