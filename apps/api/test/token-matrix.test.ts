// Every way a bearer token can be wrong, through the local ALB against the emulator's Cognito:
// each is a 401 problem+json with a Bearer challenge, and is counted under its reason. The api
// fetches the pool's keys from the test's own JWKS (the emulator's keys plus one the test made),
// so the test can sign what Cognito would never issue under a kid the api trusts.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startApiCluster, type ApiCluster } from './support/api-cluster.ts';
import { claimsOf, directory, signIn } from './support/directory.ts';
import {
  hs256WithPublicKey,
  signedWithUnknownKey,
  startTestJwks,
  tampered,
  unsigned,
  type TestJwks,
} from './support/forged-tokens.ts';
import { emfTotals, expectProblem } from './support/problems.ts';
import { waitFor } from './support/wait-for.ts';
import { emulatorSuite } from '@keyless/testing/emulator-suite';
import { apiNeeds } from './support/directory.ts';

emulatorSuite(apiNeeds, () => {
  let cluster: ApiCluster;
  let jwks: TestJwks;
  let demo: { accessToken: string; idToken: string };
  const now = () => Math.floor(Date.now() / 1000);
  const b64 = (text: string) => Buffer.from(text).toString('base64url');

  beforeAll(async () => {
    jwks = await startTestJwks(`${directory().awsEndpoint}/${directory().userPoolId}/.well-known/jwks.json`);
    cluster = await startApiCluster({ COGNITO_JWKS_URI: jwks.url });
    demo = await signIn(directory().users.demo);
  });
  afterAll(async () => {
    await cluster?.stop();
    await jwks?.stop();
  });

  const me = (authorization?: string) =>
    fetch(`${cluster.alb.url}/v1/me`, { headers: authorization === undefined ? {} : { authorization } });

  const cases: [string, () => Promise<string | undefined>, string][] = [
    ['no Authorization header', async () => undefined, 'missing_token'],
    ['a scheme other than Bearer', async () => `Basic ${b64('demo:secret')}`, 'malformed_token'],
    ['a token of 2 parts', async () => 'Bearer aGVhZGVy.cGF5bG9hZA', 'malformed_token'],
    ['a token of 4 parts', async () => `Bearer ${demo.accessToken}.c2ln`, 'malformed_token'],
    ['characters that are not base64url', async () => 'Bearer !!!.###.$$$', 'malformed_token'],
    [
      'parts that are not JSON',
      async () => `Bearer ${b64('not json')}.${b64('{also not')}.${b64('sig')}`,
      'malformed_token',
    ],
    ['an ID token instead of an access token', async () => `Bearer ${demo.idToken}`, 'wrong_token_use'],
    [
      'an access token of another app client',
      async () => `Bearer ${(await signIn(directory().users.demo, directory().otherClientId)).accessToken}`,
      'wrong_client',
    ],
    [
      'an access token of another user pool',
      async () =>
        `Bearer ${(await signIn(directory().users.stranger, directory().otherPoolClientId)).accessToken}`,
      'wrong_issuer',
    ],
    [
      'an expired token (a key and kid of the pool JWKS)',
      async () =>
        `Bearer ${jwks.sign({ ...claimsOf(demo.accessToken), iat: now() - 7200, exp: now() - 3600 })}`,
      'expired',
    ],
    [
      'a token whose nbf is in the future (a key and kid of the pool JWKS)',
      async () => `Bearer ${jwks.sign({ ...claimsOf(demo.accessToken), nbf: now() + 3600 })}`,
      'not_yet_valid',
    ],
    // RFC 7515's own example: an expiry in the header that a verifier ignoring `crit` would skip.
    [
      'a crit header naming an extension the api does not implement (a key and kid of the pool JWKS)',
      async () => `Bearer ${jwks.sign(claimsOf(demo.accessToken), { crit: ['exp'], exp: now() - 60 })}`,
      'unsupported_critical_header',
    ],
    [
      'a real token with a tampered payload',
      async () => `Bearer ${tampered(demo.accessToken, (c) => ({ ...c, 'cognito:groups': ['admins'] }))}`,
      'bad_signature',
    ],
    // aws-jwt-verify refuses a JWT with an empty signature part before it looks at the header.
    [
      'alg none, empty signature',
      async () =>
        `Bearer ${unsigned({ ...claimsOf(demo.accessToken), 'cognito:groups': ['admins'] }, jwks.kid)}`,
      'malformed_token',
    ],
    [
      'alg none, with a signature part',
      async () =>
        `Bearer ${unsigned({ ...claimsOf(demo.accessToken), 'cognito:groups': ['admins'] }, jwks.kid)}c2ln`,
      'unsupported_algorithm',
    ],
    [
      'HS256 with the JWKS public key as the secret',
      async () => `Bearer ${await hs256WithPublicKey(claimsOf(demo.accessToken), jwks.url)}`,
      'unsupported_algorithm',
    ],
    [
      'a key id the JWKS does not hold',
      async () => `Bearer ${await signedWithUnknownKey(claimsOf(demo.accessToken))}`,
      'unknown_key',
    ],
  ];

  describe('the token matrix: each is refused with 401', () => {
    test('a valid access token is accepted (the baseline the others differ from)', async () => {
      const response = await me(`Bearer ${demo.accessToken}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ username: 'demo', groups: ['members'] });
    });

    test.each(cases)('%s', async (_, authorization, reason) => {
      const response = await me(await authorization());
      const body = await expectProblem(response, 401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="keyless"/);
      expect(response.headers.get('www-authenticate')?.includes('invalid_token')).toBe(
        reason !== 'missing_token',
      );
      expect(body.detail).toBe(
        reason === 'missing_token'
          ? 'missing bearer token'
          : reason === 'expired'
            ? 'access token expired'
            : 'invalid access token',
      );
    });

    test('each refusal is counted in the AuthFailures metric under its reason', async () => {
      const expected: Record<string, number> = {};
      for (const [, , reason] of cases) expected[reason] = (expected[reason] ?? 0) + 1;
      await waitFor('the AuthFailures metrics', () =>
        Object.entries(expected).every(
          ([reason, n]) => (emfTotals(cluster.lines(), 'AuthFailures', 'reason')[reason] ?? 0) >= n,
        ),
      );
      expect(emfTotals(cluster.lines(), 'AuthFailures', 'reason')).toEqual(expected);
    });

    test('a valid token without the admins group gets 403 on the admin route; with it, no 403', async () => {
      await expectProblem(
        await fetch(`${cluster.alb.url}/v1/admin/reports/latest`, {
          headers: { authorization: `Bearer ${demo.accessToken}` },
        }),
        403,
      );
      const admin = await signIn(directory().users.admin);
      const response = await fetch(`${cluster.alb.url}/v1/admin/reports/latest`, {
        headers: { authorization: `Bearer ${admin.accessToken}` },
      });
      expect([200, 404]).toContain(response.status);
    });

    test('no log line contains a token', () => {
      const output = JSON.stringify(cluster.lines());
      expect(output).not.toContain(demo.accessToken.split('.')[2]);
      expect(output).not.toContain(demo.idToken.split('.')[2]);
    });
  });

  describe('crit and the verified-token cache', () => {
    // One instance, so every request meets the same cache.
    const meAt = (authorization: string) =>
      fetch(`${cluster.instances[0]?.url}/v1/me`, { headers: { authorization } });

    test('a crit token is refused every time, even once the same claims without crit are cached', async () => {
      const claims = claimsOf(demo.accessToken);
      const plain = jwks.sign(claims);
      const critical = jwks.sign(claims, { crit: ['http://example.com/must-understand'] });
      // The baseline: the same key, kid and claims are accepted, the second time from the cache.
      for (let i = 0; i < 2; i += 1) expect((await meAt(`Bearer ${plain}`)).status).toBe(200);
      for (let i = 0; i < 3; i += 1) {
        const response = await meAt(`Bearer ${critical}`);
        const body = await expectProblem(response, 401);
        expect(body.detail).toBe('invalid access token');
        expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
      }
      // An empty list is no better: RFC 7515 forbids it, and nothing in it could be understood anyway.
      await expectProblem(await meAt(`Bearer ${jwks.sign(claims, { crit: [] })}`), 401);
    });
  });
});
