import { exponentialDelay, pause } from './backoff.ts';

export interface GateLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface Readiness {
  ready: boolean;
  reason: string;
}

/**
 * Whether the worker can do its work: its database credential readable and the ledger answering.
 * Closed at start and after an infrastructure failure; `whenReady` probes (with backoff) until the
 * probe passes. The consumer waits on it before every receive, so while the secret or the database
 * is out, messages stay in the queue instead of burning their receive counts, and the process stays
 * up (reporting not-ready) instead of crash-looping.
 */
export class DependencyGate {
  readonly #probe: () => Promise<void>;
  readonly #logger: GateLogger;
  readonly #backoff: { initialMs: number; maxMs: number };
  #state: Readiness = { ready: false, reason: 'starting' };
  #probing?: Promise<void>;

  constructor(options: {
    probe: () => Promise<void>;
    logger: GateLogger;
    backoff?: { initialMs: number; maxMs: number };
  }) {
    this.#probe = options.probe;
    this.#logger = options.logger;
    this.#backoff = options.backoff ?? { initialMs: 1_000, maxMs: 30_000 };
  }

  get readiness(): Readiness {
    return this.#state;
  }

  close(reason: string): void {
    if (this.#state.ready) this.#logger.warn({ reason }, 'not ready: pausing until the ledger answers again');
    this.#state = { ready: false, reason };
  }

  whenReady(signal: AbortSignal): Promise<void> {
    if (this.#state.ready) return Promise.resolve();
    this.#probing ??= this.#probeUntilReady(signal).finally(() => {
      this.#probing = undefined;
    });
    return this.#probing;
  }

  async #probeUntilReady(signal: AbortSignal): Promise<void> {
    for (let attempt = 1; !signal.aborted; attempt++) {
      try {
        await this.#probe();
        this.#state = { ready: true, reason: 'ready' };
        this.#logger.info({ attempts: attempt }, 'ready: the ledger answers');
        return;
      } catch (error) {
        const retryInMs = exponentialDelay(attempt, this.#backoff.initialMs, this.#backoff.maxMs);
        const reason = error instanceof Error ? error.message : String(error);
        this.#state = { ready: false, reason };
        this.#logger.warn({ err: error, retryInMs }, 'not ready');
        await pause(retryInMs, signal);
      }
    }
  }
}
