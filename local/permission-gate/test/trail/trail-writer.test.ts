import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cloudTrailRecord, type CloudTrailRecord } from '../../src/trail/cloudtrail-record.ts';
import { createTrailWriter } from '../../src/trail/trail-writer.ts';
import { s3GetObjectAllowed } from './trail-fixtures.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gate-trail-writer-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A record that says which producer wrote it and in what order, with a long field to make lines big. */
function recordOf(producer: number, index: number): CloudTrailRecord {
  return cloudTrailRecord({
    ...s3GetObjectAllowed,
    requestParameters: {
      bucketName: 'keyless-files',
      key: `p${producer}/${index}`,
      padding: 'x'.repeat(900),
    },
  });
}

const lines = async (file: string) => (await readFile(file, 'utf8')).split('\n');

describe('createTrailWriter', () => {
  it('writes 1000 appends from several concurrent producers as exactly 1000 whole lines', async () => {
    const file = join(dir, 'nested', 'deeper', '2026-03-01.jsonl');
    // A small batch size makes many writes overlap with the appends still coming in.
    const writer = createTrailWriter({ file, batchBytes: 8 * 1024 });
    const producers = 8;
    const perProducer = 125;
    await Promise.all(
      Array.from({ length: producers }, async (_, producer) => {
        for (let index = 0; index < perProducer; index++) {
          writer.append(recordOf(producer, index));
          // Yield at varying points so the producers interleave with each other and with the writes.
          if ((index + producer) % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
          if (index % 50 === 0) await writer.flush();
        }
      }),
    );
    await writer.close();

    const written = await lines(file);
    expect(written.at(-1)).toBe('');
    const records = written.slice(0, -1).map((line) => JSON.parse(line) as CloudTrailRecord);
    expect(records).toHaveLength(producers * perProducer);
    expect(new Set(records.map((record) => record.eventID)).size).toBe(producers * perProducer);
    for (let producer = 0; producer < producers; producer++) {
      const keys = records
        .map((record) => String(record.requestParameters?.key))
        .filter((key) => key.startsWith(`p${producer}/`));
      expect(keys).toEqual(Array.from({ length: perProducer }, (_, index) => `p${producer}/${index}`));
    }
  });

  it('keeps lines whole when two writers append to the same file at once', async () => {
    const file = join(dir, 'shared.jsonl');
    const writers = [
      createTrailWriter({ file, batchBytes: 4096 }),
      createTrailWriter({ file, batchBytes: 4096 }),
    ];
    await Promise.all(
      writers.map(async (writer, producer) => {
        for (let index = 0; index < 500; index++) {
          writer.append(recordOf(producer, index));
          if (index % 7 === 0) await new Promise((resolve) => setImmediate(resolve));
        }
        await writer.close();
      }),
    );
    const written = (await lines(file)).slice(0, -1);
    expect(written).toHaveLength(1000);
    for (const line of written) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('has written everything appended before flush() resolves, and appends to an existing file', async () => {
    const file = join(dir, 'trail.jsonl');
    const first = createTrailWriter({ file });
    first.append(recordOf(0, 0));
    await first.close();
    const second = createTrailWriter({ file });
    second.append(recordOf(1, 0));
    second.append(recordOf(1, 1));
    await second.flush();
    expect((await lines(file)).slice(0, -1)).toHaveLength(3);
    await second.close();
  });

  it('refuses appends after close, and closes once', async () => {
    const writer = createTrailWriter({ file: join(dir, 'closed.jsonl') });
    writer.append(recordOf(0, 0));
    await writer.close();
    await writer.close();
    expect(() => writer.append(recordOf(0, 1))).toThrow(/closed/);
    expect((await lines(join(dir, 'closed.jsonl'))).slice(0, -1)).toHaveLength(1);
  });

  it('reports a file it cannot write from flush()', async () => {
    const blocker = join(dir, 'not-a-dir');
    await writeFile(blocker, '');
    const writer = createTrailWriter({ file: join(blocker, 'trail.jsonl') });
    writer.append(recordOf(0, 0));
    await expect(writer.flush()).rejects.toThrow();
  });
});
