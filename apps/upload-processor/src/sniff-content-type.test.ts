import { describe, expect, test } from 'vitest';
import { sniffContentType } from './sniff-content-type.ts';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(
    parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))),
  );

describe('sniffContentType', () => {
  test.each([
    ['application/pdf', bytes('%PDF-1.7\n')],
    ['image/png', bytes([0x89], 'PNG\r\n\x1a\n', [0, 0, 0, 13])],
    ['image/jpeg', bytes([0xff, 0xd8, 0xff, 0xe0])],
    ['image/gif', bytes('GIF89a')],
    ['image/webp', bytes('RIFF', [1, 2, 3, 4], 'WEBPVP8 ')],
    ['audio/wave', bytes('RIFF', [1, 2, 3, 4], 'WAVEfmt ')],
    ['application/zip', bytes('PK', [3, 4, 20, 0])],
    ['application/x-gzip', bytes([0x1f, 0x8b, 0x08, 0])],
  ])('%s from its signature', (type, head) => {
    expect(sniffContentType(head)).toBe(type);
  });

  test('text without binary bytes is text/plain, whatever its format (CSV, JSON)', () => {
    expect(sniffContentType(bytes('a,b\n1,2\n'))).toBe('text/plain');
    expect(sniffContentType(bytes('{"a": [1, 2]}'))).toBe('text/plain');
    expect(sniffContentType(Buffer.from('naïve café ✓\n', 'utf8'))).toBe('text/plain');
  });

  test('a byte order mark is text even before binary-looking bytes', () => {
    expect(sniffContentType(bytes([0xff, 0xfe], 'h\0i\0'))).toBe('text/plain');
  });

  test('control bytes make anything unknown application/octet-stream', () => {
    expect(sniffContentType(bytes([0x7f], 'ELF', [2, 1, 1, 0]))).toBe('application/octet-stream');
    expect(sniffContentType(bytes('abc', [0]))).toBe('application/octet-stream');
  });

  test('RIFF needs its subtype: a bare RIFF header is not WebP', () => {
    expect(sniffContentType(bytes('RIFF', [1, 2, 3, 4], 'AVI LIST'))).toBe('application/octet-stream');
  });
});
