import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { githubClaims, mintGithubToken } from './github-claims.ts';
import { startOidcIssuers, type OidcIssuers } from './issuer-server.ts';
import { mintServiceAccountToken } from './service-account-token.ts';

let issuers: OidcIssuers;
beforeAll(async () => {
  issuers = await startOidcIssuers();
});
afterAll(() => issuers?.close());

async function verifyAgainstPublishedKeys(token: string, issuerUrl: string) {
  const discovery = (await (await fetch(`${issuerUrl}/.well-known/openid-configuration`)).json()) as Record<
    string,
    string
  >;
  return jwtVerify(token, createRemoteJWKSet(new URL(discovery.jwks_uri ?? '')), {
    issuer: issuerUrl,
    algorithms: ['RS256'],
  });
}

describe('the issuer server', () => {
  test('serves each issuer’s discovery document and a JWKS with public keys only', async () => {
    for (const issuer of [issuers.eks, issuers.github]) {
      const discovery = (await (
        await fetch(`${issuer.issuerUrl}/.well-known/openid-configuration`)
      ).json()) as Record<string, unknown>;
      expect(discovery).toMatchObject({
        issuer: issuer.issuerUrl,
        jwks_uri: `${issuer.issuerUrl}/.well-known/jwks`,
        id_token_signing_alg_values_supported: ['RS256'],
      });
      const jwks = (await (await fetch(String(discovery.jwks_uri))).json()) as {
        keys: Record<string, unknown>[];
      };
      expect(jwks.keys).toHaveLength(1);
      expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String) });
      for (const privatePart of ['d', 'p', 'q', 'dp', 'dq', 'qi'])
        expect(jwks.keys[0]).not.toHaveProperty(privatePart);
    }
    expect(issuers.eks.issuerUrl).toBe(`${issuers.url}/eks`);
    expect(issuers.github.issuerUrl).toBe(`${issuers.url}/github`);
    expect(issuers.eks.jwks.keys[0]?.kid).not.toBe(issuers.github.jwks.keys[0]?.kid);
  });

  test('answers 404 for anything else', async () => {
    expect((await fetch(`${issuers.url}/eks/keys`)).status).toBe(404);
    expect((await fetch(`${issuers.url}/.well-known/openid-configuration`)).status).toBe(404);
  });

  test('makes new keys at every start', async () => {
    const again = await startOidcIssuers();
    await again.close();
    expect(again.eks.jwks.keys[0]?.kid).not.toBe(issuers.eks.jwks.keys[0]?.kid);
  });
});

describe('minted tokens', () => {
  test('verify against the published keys and carry iat, nbf, exp and a unique jti', async () => {
    const options = { subject: 'someone', audience: 'sts.amazonaws.com', expiresInSeconds: 600 };
    const [first, second] = [await issuers.eks.mint(options), await issuers.eks.mint(options)];
    const { payload, protectedHeader } = await verifyAgainstPublishedKeys(first, issuers.eks.issuerUrl);
    expect(protectedHeader).toEqual({ alg: 'RS256', kid: issuers.eks.jwks.keys[0]?.kid, typ: 'JWT' });
    expect(payload).toMatchObject({ iss: issuers.eks.issuerUrl, sub: 'someone', aud: 'sts.amazonaws.com' });
    expect(payload.nbf).toBe(payload.iat);
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(600);
    const { payload: secondPayload } = await verifyAgainstPublishedKeys(second, issuers.eks.issuerUrl);
    expect(secondPayload.jti).not.toBe(payload.jti);
  });

  test('of one issuer do not verify with the keys of the other', async () => {
    const token = await issuers.eks.mint({ subject: 's', audience: 'a', expiresInSeconds: 60 });
    const githubKeys = createRemoteJWKSet(new URL(issuers.github.jwksUri));
    await expect(jwtVerify(token, githubKeys)).rejects.toThrow(/no applicable key found/);
  });

  test('for a service account look like a projected service-account token', async () => {
    const token = await mintServiceAccountToken(issuers.eks, {
      namespace: 'keyless',
      serviceAccount: 'usage-reporter',
    });
    const { payload } = await verifyAgainstPublishedKeys(token, issuers.eks.issuerUrl);
    expect(payload).toMatchObject({
      sub: 'system:serviceaccount:keyless:usage-reporter',
      aud: ['sts.amazonaws.com'],
      'kubernetes.io': {
        namespace: 'keyless',
        serviceaccount: { name: 'usage-reporter', uid: expect.stringMatching(/^[0-9a-f-]{36}$/) },
        pod: { name: 'usage-reporter-local', uid: expect.stringMatching(/^[0-9a-f-]{36}$/) },
      },
    });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(86_400);
  });

  test('for a GitHub workflow carry GitHub’s claims', async () => {
    const claims = githubClaims({
      owner: 'o',
      repo: 'r',
      event: 'push',
      ref: 'refs/heads/main',
      environment: 'production',
    });
    const token = await mintGithubToken(issuers.github, claims);
    expect(decodeProtectedHeader(token).alg).toBe('RS256');
    const { payload } = await verifyAgainstPublishedKeys(token, issuers.github.issuerUrl);
    expect(payload).toMatchObject({
      sub: 'repo:o/r:environment:production',
      aud: 'sts.amazonaws.com',
      repository: 'o/r',
      repository_owner: 'o',
      ref: 'refs/heads/main',
      ref_type: 'branch',
      environment: 'production',
      event_name: 'push',
      job_workflow_ref: 'o/r/.github/workflows/deploy.yml@refs/heads/main',
      workflow_ref: 'o/r/.github/workflows/deploy.yml@refs/heads/main',
      runner_environment: 'github-hosted',
    });
    for (const claim of ['repository_id', 'repository_owner_id', 'run_id', 'actor_id'])
      expect(payload[claim]).toMatch(/^\d+$/);
    expect(payload.sha).toMatch(/^[0-9a-f]{40}$/);
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(300);
  });
});

describe('githubClaims builds the subject GitHub would', () => {
  test.each([
    [{ event: 'push', ref: 'refs/heads/main', environment: 'production' }, 'repo:o/r:environment:production'],
    [{ event: 'pull_request', environment: 'production' }, 'repo:o/r:environment:production'],
    [{ event: 'pull_request' }, 'repo:o/r:pull_request'],
    [{ event: 'push', ref: 'refs/heads/x' }, 'repo:o/r:ref:refs/heads/x'],
    [{ event: 'push', ref: 'refs/tags/v1' }, 'repo:o/r:ref:refs/tags/v1'],
    [
      { event: 'push', immutableSubject: true, ownerId: '11', repositoryId: '22' },
      'repo:o@11/r@22:ref:refs/heads/main',
    ],
  ] as const)('%j → %s', (run, sub) => {
    expect(githubClaims({ owner: 'o', repo: 'r', ...run }).sub).toBe(sub);
  });

  test('a pull request runs on its merge ref, a tag push is a tag', () => {
    expect(githubClaims({ owner: 'o', repo: 'r', event: 'pull_request' })).toMatchObject({
      ref: 'refs/pull/1/merge',
      event_name: 'pull_request',
    });
    expect(githubClaims({ owner: 'o', repo: 'r', event: 'push', ref: 'refs/tags/v1' }).ref_type).toBe('tag');
    expect(githubClaims({ owner: 'o', repo: 'r', event: 'push' })).not.toHaveProperty('environment');
  });
});
