import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { exponentialDelay, pause } from './backoff.ts';
import { DeleteBatcher } from './delete-batcher.ts';

/** What to do with a message once it has been handled. */
export type Verdict = 'delete' | 'retry';

export interface ConsumerLogger {
  debug(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface QueueConsumerOptions {
  sqs: SQSClient;
  queueUrl: string;
  /** Messages handled at once. One more batch is received ahead, so a free slot never waits for SQS. */
  concurrency: number;
  waitTimeSeconds: number;
  visibilityTimeoutSeconds: number;
  /**
   * Seconds until a message whose handling failed is offered again, from its receive count. Every
   * receive counts toward the queue's maxReceiveCount, after which SQS moves the message to the DLQ.
   */
  retryDelaySeconds: (receiveCount: number) => number;
  /** `retry` leaves the message to be received again (and eventually redriven); should not throw. */
  handle: (message: Message) => Promise<Verdict>;
  /** Resolves once handling can succeed (credentials readable, database answering). */
  whenReady: (signal: AbortSignal) => Promise<void>;
  onReceive?: (messages: Message[]) => void;
  logger: ConsumerLogger;
  deleteLingerMs?: number;
}

export interface StopSummary {
  /** Messages whose handling finished during the drain. */
  finished: number;
  /** Received but not started: made visible again at once for another worker. */
  released: number;
  /** Still being handled when the timeout ran out: made visible again (a redelivery is a no-op). */
  abandoned: number;
}

interface Held {
  message: Message;
  receiptHandle: string;
  heartbeat?: NodeJS.Timeout;
  /** A visibility extension under way, awaited before any other visibility change. */
  extending?: Promise<void>;
}

/** How many times SQS has delivered this message, this time included. */
export const receiveCount = (message: Message) => Number(message.Attributes?.ApproximateReceiveCount ?? '1');

/**
 * Long-polls an SQS queue in batches of up to ten and hands each message to `handle` with bounded
 * concurrency. Held messages have their visibility extended while they wait or run; committed ones
 * are deleted in batches; failed ones are offered again after a growing delay. `stop` drains:
 * no more receives, unstarted messages visible again at once, running ones given time to finish.
 */
export class QueueConsumer {
  readonly #options: QueueConsumerOptions;
  readonly #deleter: DeleteBatcher;
  readonly #stopping = new AbortController();
  /** Aborts a receive still waiting when the stop timeout has run out. */
  readonly #receiveAbort = new AbortController();
  readonly #held = new Set<Held>();
  /** Messages being handled: at most `concurrency`. */
  readonly #active = new Set<Promise<void>>();
  /** Handled messages being deleted or given their retry delay. */
  readonly #concluding = new Set<Promise<void>>();
  readonly #waiting: Held[] = [];
  #roomWaiter?: () => void;
  #loop?: Promise<void>;

  constructor(options: QueueConsumerOptions) {
    this.#options = options;
    this.#deleter = new DeleteBatcher({
      sqs: options.sqs,
      queueUrl: options.queueUrl,
      lingerMs: options.deleteLingerMs ?? 20,
    });
  }

  start(): void {
    this.#loop ??= this.#pollLoop();
  }

  async stop(timeoutMs: number): Promise<StopSummary> {
    this.#stopping.abort();
    this.#notifyRoom();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      // A receive under way is allowed to return rather than aborted: an aborted long poll can hide
      // messages SQS already handed out until their visibility timeout. What it returns is released.
      if ((await Promise.race([this.#loop, deadline])) === 'timeout') this.#receiveAbort.abort();
      await this.#loop;
      const unstarted = this.#waiting.splice(0);
      await this.#release(unstarted);
      const running = [...this.#active];
      const drained = await Promise.race([Promise.all(running), deadline]);
      await this.#deleter.flush();
      await Promise.all(this.#concluding);
      const stuck = drained === 'timeout' ? [...this.#held] : [];
      await this.#release(stuck);
      return { finished: running.length - stuck.length, released: unstarted.length, abandoned: stuck.length };
    } finally {
      clearTimeout(timer);
    }
  }

  async #pollLoop(): Promise<void> {
    const { concurrency, whenReady, onReceive, logger } = this.#options;
    const signal = this.#stopping.signal;
    const batch = Math.min(10, concurrency);
    const maxHeld = concurrency + batch;
    let failures = 0;
    while (!signal.aborted) {
      await this.#roomFor(batch, maxHeld);
      await whenReady(signal);
      if (signal.aborted) break;
      let messages: Message[];
      try {
        messages = await this.#receive(Math.min(10, maxHeld - this.#held.size));
        failures = 0;
      } catch (error) {
        if (this.#receiveAbort.signal.aborted) break;
        const retryInMs = exponentialDelay(++failures, 1_000, 30_000);
        logger.error({ err: error, retryInMs }, 'receiving from the queue failed');
        await pause(retryInMs, signal);
        continue;
      }
      if (messages.length > 0) onReceive?.(messages);
      for (const message of messages) this.#hold(message);
      this.#pump();
    }
  }

  async #receive(maxMessages: number): Promise<Message[]> {
    const { Messages = [] } = await this.#options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.#options.queueUrl,
        MaxNumberOfMessages: maxMessages,
        WaitTimeSeconds: this.#options.waitTimeSeconds,
        VisibilityTimeout: this.#options.visibilityTimeoutSeconds,
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
        MessageAttributeNames: ['traceparent', 'tracestate', 'baggage'],
      }),
      { abortSignal: this.#receiveAbort.signal },
    );
    return Messages;
  }

  /** Waits until a whole batch fits under the limit of held messages (or the consumer stops). */
  async #roomFor(batch: number, maxHeld: number): Promise<void> {
    while (!this.#stopping.signal.aborted && maxHeld - this.#held.size < batch) {
      await new Promise<void>((resolve) => {
        this.#roomWaiter = resolve;
      });
    }
  }

  #notifyRoom(): void {
    const waiter = this.#roomWaiter;
    this.#roomWaiter = undefined;
    waiter?.();
  }

  #hold(message: Message): void {
    if (!message.ReceiptHandle) return;
    const held: Held = { message, receiptHandle: message.ReceiptHandle };
    this.#held.add(held);
    this.#waiting.push(held);
    this.#scheduleHeartbeat(held);
  }

  #pump(): void {
    while (!this.#stopping.signal.aborted && this.#active.size < this.#options.concurrency) {
      const next = this.#waiting.shift();
      if (!next) return;
      // The slot is free once the message is handled; deleting it (batched) goes on in the background.
      const work: Promise<void> = this.#handle(next)
        .then((verdict) => {
          const conclusion: Promise<void> = this.#conclude(next, verdict).finally(() =>
            this.#concluding.delete(conclusion),
          );
          this.#concluding.add(conclusion);
        })
        .finally(() => {
          this.#active.delete(work);
          this.#pump();
        });
      this.#active.add(work);
    }
  }

  async #handle(held: Held): Promise<Verdict> {
    try {
      return await this.#options.handle(held.message);
    } catch (error) {
      const messageId = held.message.MessageId;
      this.#options.logger.error(
        { err: error, messageId },
        'message handler threw; the message will be retried',
      );
      return 'retry';
    }
  }

  /** Deletes a handled message, or delays its next delivery; either way it is no longer held. */
  async #conclude(held: Held, verdict: Verdict): Promise<void> {
    await this.#stopHeartbeat(held);
    try {
      if (verdict === 'delete') await this.#deleter.delete(held.receiptHandle);
      else await this.#changeVisibility(held, this.#options.retryDelaySeconds(receiveCount(held.message)));
    } catch (error) {
      this.#options.logger.warn(
        { err: error, messageId: held.message.MessageId, verdict },
        verdict === 'delete'
          ? 'deleting a committed message failed; its redelivery will be recorded as a duplicate'
          : 'delaying the retry failed; the message reappears when its visibility timeout ends',
      );
    } finally {
      this.#settle(held);
    }
  }

  #scheduleHeartbeat(held: Held): void {
    const { visibilityTimeoutSeconds, logger } = this.#options;
    held.heartbeat = setTimeout(
      () => {
        held.extending = this.#changeVisibility(held, visibilityTimeoutSeconds).then(
          () => {
            logger.debug({ messageId: held.message.MessageId }, 'message visibility extended');
            if (this.#held.has(held) && held.heartbeat) this.#scheduleHeartbeat(held);
          },
          (error: unknown) =>
            logger.warn({ err: error, messageId: held.message.MessageId }, 'extending visibility failed'),
        );
      },
      (visibilityTimeoutSeconds * 1_000) / 2,
    );
  }

  async #stopHeartbeat(held: Held): Promise<void> {
    clearTimeout(held.heartbeat);
    held.heartbeat = undefined;
    await held.extending;
  }

  #settle(held: Held): void {
    this.#held.delete(held);
    this.#notifyRoom();
  }

  async #changeVisibility(held: Held, seconds: number): Promise<void> {
    await this.#options.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.#options.queueUrl,
        ReceiptHandle: held.receiptHandle,
        VisibilityTimeout: seconds,
      }),
    );
  }

  /** Visibility 0 for each message, ten per call, so another worker can receive them right away. */
  async #release(messages: Held[]): Promise<void> {
    await Promise.all(messages.map((held) => this.#stopHeartbeat(held)));
    for (let start = 0; start < messages.length; start += 10) {
      const chunk = messages.slice(start, start + 10);
      try {
        const { Failed = [] } = await this.#options.sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: this.#options.queueUrl,
            Entries: chunk.map((held, index) => ({
              Id: String(index),
              ReceiptHandle: held.receiptHandle,
              VisibilityTimeout: 0,
            })),
          }),
        );
        for (const failure of Failed) {
          this.#options.logger.warn(
            { failure },
            'releasing a message failed; it reappears after its visibility timeout',
          );
        }
      } catch (error) {
        this.#options.logger.warn({ err: error, count: chunk.length }, 'releasing messages failed');
      }
      chunk.forEach((held) => this.#settle(held));
    }
  }
}
