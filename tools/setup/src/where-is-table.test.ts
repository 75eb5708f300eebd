import { describe, expect, test } from 'vitest';
import { declares, whereIsRows } from './where-is-table.ts';

describe('whereIsRows', () => {
  test('reads the question, the linked file and every function of each row', () => {
    const readme = [
      '# x',
      '## Where is…',
      '',
      'Intro.',
      '',
      '| where is… | file | function |',
      '| --- | --- | --- |',
      '| a URL made? | [apps/api/src/presign.ts](apps/api/src/presign.ts) | `presignUpload`, `presignDownload` |',
      '| a token verified? | [verify.ts](apps/api/src/verify.ts) | `verify` |',
      '',
      '## Licence',
      '| not | this | table |',
    ].join('\n');
    expect(whereIsRows(readme)).toEqual([
      {
        question: 'a URL made?',
        file: 'apps/api/src/presign.ts',
        functions: ['presignUpload', 'presignDownload'],
      },
      { question: 'a token verified?', file: 'apps/api/src/verify.ts', functions: ['verify'] },
    ]);
  });

  test('finds no rows without the heading', () => {
    expect(whereIsRows('## Layout\n| a | b |\n| - | - |\n| c | d |')).toEqual([]);
  });
});

describe('declares', () => {
  const source = [
    'export async function presignUpload(s3: S3Client) {}',
    'export const handler = createProcessor({});',
    'export class SecretCache<T> {',
    '  async #poolForCurrentSecret(): Promise<Pool> {}',
    '  static create<T>(options: T) {}',
    '}',
    'function* walk() {}',
    '// presignDownload( is only mentioned here',
    "const text = 'requireTrust';",
    'export const presignUploadLater = 1;',
  ].join('\n');

  test.each(['presignUpload', 'handler', 'SecretCache', '#poolForCurrentSecret', 'create', 'walk'])(
    'finds %s',
    (name) => expect(declares(source, name)).toBe(true),
  );

  test.each(['presignDownload', 'requireTrust', 'createProcessor', 'poolForCurrentSecret', 'presign'])(
    'does not find %s, which is only mentioned, called or a prefix',
    (name) => expect(declares(source, name)).toBe(false),
  );
});
