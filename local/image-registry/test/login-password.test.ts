// The login password: it opens only unaltered, under the key that sealed it, before its expiry.
import { describe, expect, test } from 'vitest';
import {
  createPasswordSealer,
  LOGIN_PASSWORD_LIFETIME_MS,
  type LoginIdentity,
} from '../src/login-password.ts';

const identity = (expiresAt: Date): LoginIdentity => ({
  sessionArn: 'arn:aws:sts::123456789012:assumed-role/api-execution/task-1',
  roleArn: 'arn:aws:iam::123456789012:role/api-execution',
  roleName: 'api-execution',
  sessionName: 'task-1',
  accountId: '123456789012',
  accessKeyId: 'ASIA-not-a-key',
  sessionIssuedAt: '2026-03-01T10:00:00.000Z',
  expiresAt: expiresAt.toISOString(),
});

describe('login password', () => {
  const now = new Date('2026-03-01T10:00:00Z');
  const later = new Date(now.getTime() + LOGIN_PASSWORD_LIFETIME_MS);

  test('opens to the identity it was sealed with', () => {
    const sealer = createPasswordSealer();
    expect(sealer.unseal(sealer.seal(identity(later)), now)).toEqual({ ok: true, identity: identity(later) });
  });

  test('names nobody in the clear', () => {
    const password = createPasswordSealer().seal(identity(later));
    expect(Buffer.from(password, 'base64url').toString('latin1')).not.toContain('api-execution');
  });

  test('one flipped bit anywhere and it does not open', () => {
    const sealer = createPasswordSealer();
    const bytes = Buffer.from(sealer.seal(identity(later)), 'base64url');
    for (const index of [0, 12, 20, bytes.length - 1]) {
      const altered = Buffer.from(bytes);
      altered[index] = (altered[index] ?? 0) ^ 1;
      expect(sealer.unseal(altered.toString('base64url'), now)).toEqual({ ok: false, reason: 'invalid' });
    }
  });

  test('another run’s key does not open it', () => {
    const password = createPasswordSealer().seal(identity(later));
    expect(createPasswordSealer().unseal(password, now)).toEqual({ ok: false, reason: 'invalid' });
  });

  test('made-up and empty passwords do not open', () => {
    const sealer = createPasswordSealer();
    for (const password of ['', 'AWS', 'x'.repeat(200)])
      expect(sealer.unseal(password, now)).toEqual({ ok: false, reason: 'invalid' });
  });

  test('expires at its expiry, not a second later', () => {
    const sealer = createPasswordSealer();
    const password = sealer.seal(identity(later));
    expect(sealer.unseal(password, new Date(later.getTime() - 1)).ok).toBe(true);
    expect(sealer.unseal(password, later)).toEqual({ ok: false, reason: 'expired' });
  });
});
