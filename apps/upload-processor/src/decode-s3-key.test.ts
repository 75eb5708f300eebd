import { describe, expect, test } from 'vitest';
import { decodeS3Key } from './decode-s3-key.ts';

// How S3 writes keys into event records (form encoding), and what each must decode to; also the
// forms other emulators write (docs/emulators.md: moto a slash as %2F, LocalStack core a space as %20).
const decodedKeyOf: Record<string, string> = {
  'incoming/u/1/red+flower.jpg': 'incoming/u/1/red flower.jpg',
  'incoming/u/1/red%20flower.jpg': 'incoming/u/1/red flower.jpg',
  'incoming/u/1/a%2Bb.txt': 'incoming/u/1/a+b.txt',
  'incoming/u/1/100%25.txt': 'incoming/u/1/100%.txt',
  'incoming%2Fu%2F1%2Fx.txt': 'incoming/u/1/x.txt',
  'incoming/u/1/%C3%A9.txt': 'incoming/u/1/\u00e9.txt',
  'incoming/u/1/e%CC%81.txt': 'incoming/u/1/e\u0301.txt',
  'incoming/u/1/%F0%9F%93%B7.png': 'incoming/u/1/\u{1F4F7}.png',
};

describe('decodeS3Key', () => {
  test.each(Object.entries(decodedKeyOf))('%s → %s', (encoded, key) => {
    expect(decodeS3Key(encoded)).toBe(key);
  });

  test('keeps NFC and NFD spellings apart: no normalisation', () => {
    const nfc = decodeS3Key('%C3%A9.txt');
    const nfd = decodeS3Key('e%CC%81.txt');
    expect(nfc).not.toBe(nfd);
    expect(Buffer.from(nfd)).toEqual(Buffer.from([0x65, 0xcc, 0x81, 0x2e, 0x74, 0x78, 0x74]));
  });

  test('a malformed escape is an error naming the key, not a wrong key', () => {
    expect(() => decodeS3Key('incoming/u/1/%E9.txt')).toThrow(
      /malformed object key: "incoming\/u\/1\/%E9.txt"/,
    );
  });
});
