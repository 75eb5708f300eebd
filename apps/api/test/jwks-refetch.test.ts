// A flood of tokens under unknown key ids must not turn into a flood of JWKS downloads: the
// library's penalty box allows one refetch, then refuses unknown kids for a while without fetching.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startApiCluster, type ApiCluster } from './support/api-cluster.ts';
import { claimsOf, directory, signIn } from './support/directory.ts';
import { signedWithUnknownKey } from './support/forged-tokens.ts';
import { emfTotals } from './support/problems.ts';
import { waitFor } from './support/wait-for.ts';
import { emulatorSuite } from '@keyless/testing/emulator-suite';
import { apiNeeds } from './support/directory.ts';

emulatorSuite(apiNeeds, () => {
  let cluster: ApiCluster;
  beforeAll(async () => {
    cluster = await startApiCluster();
  });
  afterAll(() => cluster?.stop());

  const jwksFetches = (lines: Record<string, unknown>[]) =>
    lines.filter((line) => line.msg === 'JWKS fetched').length;

  test('a burst of 40 unknown kids causes at most one JWKS refetch per instance, and valid tokens still work', async () => {
    const { accessToken } = await signIn(directory().users.demo);
    const before = cluster.instances.map((instance) => jwksFetches(instance.lines));
    expect(before).toEqual([1, 1]); // hydration at start-up

    const tokens = await Promise.all(
      Array.from({ length: 40 }, (_, i) => signedWithUnknownKey(claimsOf(accessToken), `rotated-key-${i}`)),
    );
    const statuses = await Promise.all(
      tokens.map(async (token) => {
        const response = await fetch(`${cluster.alb.url}/v1/me`, {
          headers: { authorization: `Bearer ${token}` },
        });
        return response.status;
      }),
    );
    expect(statuses.every((status) => status === 401)).toBe(true);

    const refetches = cluster.instances.map((instance, i) => jwksFetches(instance.lines) - (before[i] ?? 0));
    expect(refetches.every((n) => n <= 1)).toBe(true);
    expect(refetches.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);

    const ok = await fetch(`${cluster.alb.url}/v1/me`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(ok.status).toBe(200);
    await waitFor(
      'the unknown_key failures in the metrics',
      () => emfTotals(cluster.lines(), 'AuthFailures', 'reason').unknown_key === 40,
    );
  });
});
