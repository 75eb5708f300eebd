import { describe, expect, it } from 'vitest';
import { warningText } from './kube-client.ts';

describe('warningText', () => {
  it('unquotes the text of a 299 warning header, as kubectl prints it', () => {
    expect(
      warningText('299 - "would violate PodSecurity \\"restricted:latest\\": runAsNonRoot != true"'),
    ).toBe('would violate PodSecurity "restricted:latest": runAsNonRoot != true');
  });

  it('keeps a header it cannot parse as it is', () => {
    expect(warningText('not a warning header')).toBe('not a warning header');
  });
});
