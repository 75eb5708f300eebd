// The gate records every call on its hot path, so append() only serializes and queues; the lines go
// to the file in batches, one write at a time. One write per batch, through a file opened for
// appending, is what keeps lines whole: within this process no two writes overlap, and the kernel
// appends each write() to a regular file in one piece, so a second process (or a second writer on
// the same file) lands between lines, never inside one.
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CloudTrailRecord } from './cloudtrail-record.ts';

export interface TrailWriter {
  /** Queues one record as one line. Throws only on a closed writer. */
  append(record: CloudTrailRecord): void;
  /** Resolves when every record appended so far is in the file. */
  flush(): Promise<void>;
  /** Flushes and closes the file; append() throws after it. */
  close(): Promise<void>;
}

export interface TrailWriterOptions {
  /** The JSON-lines file; its directory is created when missing. */
  file: string;
  /** A batch is written as soon as it holds this many bytes, without waiting for the next turn. */
  batchBytes?: number;
}

export function createTrailWriter({ file, batchBytes = 64 * 1024 }: TrailWriterOptions): TrailWriter {
  let pending: string[] = [];
  let pendingBytes = 0;
  let scheduled = false;
  let closed = false;
  let handle: Promise<FileHandle> | undefined;
  // Every write chains onto the previous one: this is what keeps batches (and so lines) in order
  // and apart.
  let writing: Promise<void> = Promise.resolve();

  const fileHandle = () =>
    (handle ??= mkdir(dirname(file), { recursive: true })
      .then(() => open(file, 'a'))
      .catch((error: unknown) => {
        // The next batch tries again: the directory may be there by then.
        handle = undefined;
        throw error;
      }));

  async function writeBatch(lines: string[]): Promise<void> {
    const fd = await fileHandle();
    const buffer = Buffer.from(lines.join(''));
    let offset = 0;
    // A regular file takes the whole buffer in one write; the loop is for the rare short write.
    while (offset < buffer.length) {
      const { bytesWritten } = await fd.write(buffer, offset);
      offset += bytesWritten;
    }
  }

  function drain(): Promise<void> {
    scheduled = false;
    if (pending.length === 0) return writing;
    const lines = pending;
    pending = [];
    pendingBytes = 0;
    writing = writing.then(
      () => writeBatch(lines),
      // An earlier batch failed and its flush() reported it; this batch still gets its own try.
      () => writeBatch(lines),
    );
    return writing;
  }

  return {
    append(record) {
      if (closed) throw new Error(`the trail writer for ${file} is closed`);
      const line = JSON.stringify(record) + '\n';
      pending.push(line);
      pendingBytes += line.length;
      if (pendingBytes >= batchBytes) void drain().catch(() => {});
      else if (!scheduled) {
        scheduled = true;
        // Everything appended in this turn of the event loop goes out in one write.
        setImmediate(() => void drain().catch(() => {}));
      }
    },
    flush() {
      return drain();
    },
    async close() {
      if (closed) return writing;
      closed = true;
      try {
        await drain();
      } finally {
        const opened = await handle?.catch(() => undefined);
        await opened?.close();
      }
    },
  };
}
