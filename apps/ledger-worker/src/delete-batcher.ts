import { DeleteMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface DeleteBatcherOptions {
  sqs: SQSClient;
  queueUrl: string;
  /** How long the first pending delete waits for company before the batch is sent. */
  lingerMs: number;
}

interface Pending {
  receiptHandle: string;
  settle: (error?: Error) => void;
}

/**
 * Collects deletes of committed messages into DeleteMessageBatch calls of up to ten, so a batch
 * that was received together costs one delete call rather than ten. Each `delete` resolves when its
 * entry succeeded, and rejects with the reason SQS gave when it did not.
 */
export class DeleteBatcher {
  readonly #options: DeleteBatcherOptions;
  #pending: Pending[] = [];
  #timer?: NodeJS.Timeout;
  readonly #sending = new Set<Promise<void>>();

  constructor(options: DeleteBatcherOptions) {
    this.#options = options;
  }

  delete(receiptHandle: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({ receiptHandle, settle: (error) => (error ? reject(error) : resolve()) });
      if (this.#pending.length >= 10) this.flush();
      else this.#timer ??= setTimeout(() => this.flush(), this.#options.lingerMs);
    });
  }

  /** Sends what is pending now; resolves when every batch sent so far has been answered. */
  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#pending.length > 0) {
      const sending = this.#send(this.#pending.splice(0, 10));
      this.#sending.add(sending);
      void sending.finally(() => this.#sending.delete(sending));
    }
    await Promise.all(this.#sending);
  }

  async #send(batch: Pending[]): Promise<void> {
    try {
      const { Failed = [] } = await this.#options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.#options.queueUrl,
          Entries: batch.map((entry, index) => ({ Id: String(index), ReceiptHandle: entry.receiptHandle })),
        }),
      );
      const failed = new Map(Failed.map((failure) => [failure.Id, failure]));
      batch.forEach((entry, index) => {
        const failure = failed.get(String(index));
        entry.settle(
          failure ? new Error(`${failure.Code}: ${failure.Message ?? 'delete failed'}`) : undefined,
        );
      });
    } catch (error) {
      const reason = error instanceof Error ? error : new Error(String(error));
      batch.forEach((entry) => entry.settle(reason));
    }
  }
}
