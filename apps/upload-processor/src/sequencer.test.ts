import { expect, test } from 'vitest';
import { comparableSequencer } from './sequencer.ts';

test('sequencers compare as S3 documents: right-padded with zeros, then lexicographically', () => {
  expect(comparableSequencer('0055AED6DCD90281E5') > comparableSequencer('0055AED6DCD90281')).toBe(true);
  expect(comparableSequencer('0055AED6DCD9028200') > comparableSequencer('0055AED6DCD90281E5')).toBe(true);
  // Padding makes a shorter spelling of the same value equal, and letter case does not matter.
  expect(comparableSequencer('AB')).toBe(comparableSequencer('AB00'));
  expect(comparableSequencer('0a')).toBe(comparableSequencer('0A'));
  expect(comparableSequencer('ff')).toHaveLength(64);
});

test('a sequencer longer than the stored width is refused rather than silently misordered', () => {
  expect(() => comparableSequencer('F'.repeat(65))).toThrow(/longer than 64/);
});
