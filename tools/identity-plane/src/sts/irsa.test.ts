// IRSA through the real SDK: tokens from the local "EKS cluster" issuer, exchanged at the STS
// front for the usage-reporter role whose trust policy comes from the shared IAM model.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromTokenFile, fromWebToken } from '@aws-sdk/credential-providers';
import { exportSPKI, generateKeyPair, importJWK, SignJWT, UnsecuredJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createOidcIssuer } from '../oidc/oidc-issuer.ts';
import { startOidcIssuers } from '../oidc/issuer-server.ts';
import { mintServiceAccountToken, type ServiceAccountTokenOptions } from '../oidc/service-account-token.ts';
import { startPlaneFixture, type PlaneFixture } from './testing/plane-fixture.ts';

let plane: PlaneFixture;
beforeAll(async () => {
  plane = await startPlaneFixture();
});
afterAll(() => plane?.stop());

const reporter: ServiceAccountTokenOptions = { namespace: 'keyless', serviceAccount: 'usage-reporter' };

function assume(webIdentityToken: string) {
  return fromWebToken({
    roleArn: plane.roleArn('usage-reporter'),
    webIdentityToken,
    clientConfig: { endpoint: plane.front.endpoint, region: plane.platform.region },
  })();
}

/** The SDK's error for a refused token, and the decision-log line the refusal wrote. */
async function refusal(webIdentityToken: string) {
  const before = plane.decisions.length;
  const error = (await assume(webIdentityToken).then(
    () => undefined,
    (caught: unknown) => caught,
  )) as (Error & { $metadata?: { httpStatusCode?: number } }) | undefined;
  expect(error, 'the token was accepted').toBeInstanceOf(Error);
  const decisions = plane.decisions.slice(before);
  expect(decisions).toHaveLength(1);
  return { error: error as Error & { $metadata?: { httpStatusCode?: number } }, decision: decisions[0] };
}

describe('IRSA: the usage-reporter service account', () => {
  test('gets usage-reporter credentials that the emulator accepts', async () => {
    const token = await mintServiceAccountToken(plane.issuers.eks, reporter);
    const credentials = await assume(token);
    expect(credentials.sessionToken).toBeTruthy();
    expect(credentials.expiration?.getTime()).toBeGreaterThan(Date.now());

    // The caller identity comes from the emulator, through the front's pass-through.
    const sts = new STSClient({ endpoint: plane.front.endpoint, region: plane.platform.region, credentials });
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    sts.destroy();
    expect(identity.Arn).toMatch(/:assumed-role\/[^/]*usage-reporter\//);

    expect(plane.decisions.at(-1)).toMatchObject({
      caller: 'system:serviceaccount:keyless:usage-reporter',
      issuer: plane.issuers.eks.issuerUrl,
      role: plane.roleArn('usage-reporter'),
      action: 'sts:AssumeRoleWithWebIdentity',
      decision: 'allowed',
      check: 'trust-policy',
      statement: 'IrsaServiceAccount',
    });
    expect(plane.rawLog()).not.toContain(token);
  });

  test('works from a token file, as the SDK default chain does in a pod', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'irsa-'));
    try {
      const tokenFile = join(dir, 'token');
      await writeFile(tokenFile, await mintServiceAccountToken(plane.issuers.eks, reporter));
      const credentials = await fromTokenFile({
        webIdentityTokenFile: tokenFile,
        roleArn: plane.roleArn('usage-reporter'),
        clientConfig: { endpoint: plane.front.endpoint, region: plane.platform.region },
      })();
      expect(credentials.accessKeyId).toBeTruthy();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('IRSA is denied', () => {
  test('for another service account', async () => {
    const token = await mintServiceAccountToken(plane.issuers.eks, { ...reporter, serviceAccount: 'api' });
    const { error, decision } = await refusal(token);
    expect(error.name).toBe('AccessDenied');
    expect(error.$metadata?.httpStatusCode).toBe(403);
    expect(error.message).toContain('trust-policy check on role');
    expect(error.message).toContain(':sub');
    expect(error.message).toContain('system:serviceaccount:keyless:api');
    expect(decision).toMatchObject({
      caller: 'system:serviceaccount:keyless:api',
      decision: 'denied',
      check: 'trust-policy',
      statement: 'IrsaServiceAccount',
    });
    expect(plane.rawLog()).not.toContain(token);
  });

  test('for the right service account name in another namespace', async () => {
    const token = await mintServiceAccountToken(plane.issuers.eks, { ...reporter, namespace: 'default' });
    const { error, decision } = await refusal(token);
    expect(error.name).toBe('AccessDenied');
    expect(error.message).toMatch(/trust-policy check on role \S*usage-reporter: .*:sub.*system:serviceaccount:default:usage-reporter/);
    expect(decision).toMatchObject({ decision: 'denied', check: 'trust-policy' });
  });

  test('for a token with another audience', async () => {
    const { error, decision } = await refusal(
      await mintServiceAccountToken(plane.issuers.eks, { ...reporter, audience: 'api://other' }),
    );
    expect(error.name).toBe('InvalidIdentityTokenException');
    expect(error.message).toContain('Incorrect token audience (audience check');
    expect(error.message).toContain('api://other');
    expect(decision).toMatchObject({ decision: 'denied', check: 'audience' });
  });

  test('for an expired token', async () => {
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    const token = await plane.issuers.eks.mint(
      { subject: 'system:serviceaccount:keyless:usage-reporter', audience: 'sts.amazonaws.com', expiresInSeconds: 3600 },
      twoHoursAgo,
    );
    const { error, decision } = await refusal(token);
    expect(error.name).toBe('ExpiredTokenException');
    expect(error.message).toMatch(/^Token expired: .*\(expiry check, with 30 s clock tolerance\)$/);
    expect(decision).toMatchObject({ decision: 'denied', check: 'expiry' });
  });

  test('for a token that is not valid yet', async () => {
    const inTwoMinutes = new Date(Date.now() + 120_000);
    const token = await plane.issuers.eks.mint(
      { subject: 'system:serviceaccount:keyless:usage-reporter', audience: 'sts.amazonaws.com', expiresInSeconds: 3600 },
      inTwoMinutes,
    );
    const { error, decision } = await refusal(token);
    expect(error.name).toBe('InvalidIdentityTokenException');
    expect(error.message).toContain('not valid yet');
    expect(decision).toMatchObject({ check: 'expiry' });
  });

  test('for a token signed by a key the issuer never published', async () => {
    // Same issuer URL, a fresh key pair: its kid is not in the JWKS.
    const impostor = await createOidcIssuer(plane.issuers.eks.issuerUrl);
    const { error, decision } = await refusal(await mintServiceAccountToken(impostor, reporter));
    expect(error.name).toBe('InvalidIdentityTokenException');
    expect(error.message).toContain("matches the token's kid (signature check)");
    expect(decision).toMatchObject({ decision: 'denied', check: 'signature' });
  });

  test('for a token signed by another key under the published kid', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const kid = plane.issuers.eks.jwks.keys[0]?.kid;
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid })
      .setIssuer(plane.issuers.eks.issuerUrl)
      .setSubject('system:serviceaccount:keyless:usage-reporter')
      .setAudience('sts.amazonaws.com')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
    const { error, decision } = await refusal(forged);
    expect(error.message).toContain('signature does not verify');
    expect(decision).toMatchObject({ check: 'signature' });
  });

  test('for a token from an issuer that is not registered as an IAM OIDC provider', async () => {
    const unregistered = await startOidcIssuers();
    try {
      const { error, decision } = await refusal(await mintServiceAccountToken(unregistered.eks, reporter));
      expect(error.name).toBe('InvalidIdentityTokenException');
      expect(error.message).toContain(`No OpenIDConnect provider found in your account for ${unregistered.eks.issuerUrl}`);
      expect(error.message).toContain('issuer not registered as an IAM OIDC provider');
      expect(decision).toMatchObject({ decision: 'denied', check: 'issuer', issuer: unregistered.eks.issuerUrl });
    } finally {
      await unregistered.close();
    }
  });

  test('for an unsigned token (alg: none)', async () => {
    const token = new UnsecuredJWT({ 'kubernetes.io': { namespace: 'keyless' } })
      .setIssuer(plane.issuers.eks.issuerUrl)
      .setSubject('system:serviceaccount:keyless:usage-reporter')
      .setAudience('sts.amazonaws.com')
      .setIssuedAt()
      .setExpirationTime('1h')
      .encode();
    const { error, decision } = await refusal(token);
    expect(error.name).toBe('InvalidIdentityTokenException');
    expect(error.message).toContain('alg "none"; only RS256, ES256 are accepted (algorithm check)');
    expect(decision).toMatchObject({ check: 'algorithm', caller: 'system:serviceaccount:keyless:usage-reporter' });
  });

  test('for an HS256 token whose secret is the published public key', async () => {
    const [jwk] = plane.issuers.eks.jwks.keys;
    const publicKeyPem = await exportSPKI((await importJWK(jwk ?? {}, 'RS256')) as CryptoKey);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: jwk?.kid })
      .setIssuer(plane.issuers.eks.issuerUrl)
      .setSubject('system:serviceaccount:keyless:usage-reporter')
      .setAudience('sts.amazonaws.com')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(publicKeyPem));
    const { error, decision } = await refusal(token);
    expect(error.message).toContain('alg "HS256"; only RS256, ES256 are accepted (algorithm check)');
    expect(decision).toMatchObject({ check: 'algorithm' });
  });

  test('for something that is not a JWT', async () => {
    const { error, decision } = await refusal('not-a-jwt');
    expect(error.name).toBe('InvalidIdentityTokenException');
    expect(error.message).toContain('(token-format check)');
    expect(decision).toMatchObject({ check: 'token-format', caller: 'unknown' });
  });
});
