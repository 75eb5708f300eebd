// IRSA through the real SDK: tokens from the local "EKS cluster" issuer, exchanged at the STS
// front for the usage-reporter role whose trust policy comes from the shared IAM model.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateOpenIDConnectProviderCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromTokenFile, fromWebToken } from '@aws-sdk/credential-providers';
import { exportSPKI, generateKeyPair, importJWK, SignJWT, UnsecuredJWT, type CryptoKey } from 'jose';
import { adminClients, emulatorAccountId } from '@keyless/local-platform';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createOidcIssuer } from '../oidc/oidc-issuer.ts';
import { startOidcIssuers } from '../oidc/issuer-server.ts';
import { mintServiceAccountToken, type ServiceAccountTokenOptions } from '../oidc/service-account-token.ts';
import { withoutScheme } from './oidc-providers.ts';
import { startHandMadeIssuer, type HandMadeIssuer } from './testing/hand-made-issuer.ts';
import { planeNeeds, startPlaneFixture, type PlaneFixture } from './testing/plane-fixture.ts';
import { emulatorSuite } from '@keyless/testing/emulator-suite';

emulatorSuite(planeNeeds, () => {
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

  /**
   * The SDK's error for a refused token, and the decision-log line the refusal wrote (one per
   * attempt: the SDK retries IDPCommunicationError, as it would against AWS).
   */
  async function refusal(webIdentityToken: string) {
    const before = plane.decisions.length;
    const error = (await assume(webIdentityToken).then(
      () => undefined,
      (caught: unknown) => caught,
    )) as (Error & { $metadata?: { httpStatusCode?: number } }) | undefined;
    expect(error, 'the token was accepted').toBeInstanceOf(Error);
    const decisions = plane.decisions.slice(before);
    expect(decisions.length).toBeGreaterThanOrEqual(1);
    expect(new Set(decisions.map((decision) => decision.reason)).size).toBe(1);
    return {
      error: error as Error & { $metadata?: { httpStatusCode?: number } },
      decision: decisions.at(-1),
    };
  }

  describe('IRSA: the usage-reporter service account', () => {
    test('gets usage-reporter credentials that the emulator accepts', async () => {
      const token = await mintServiceAccountToken(plane.issuers.eks, reporter);
      const credentials = await assume(token);
      expect(credentials.sessionToken).toBeTruthy();
      expect(credentials.expiration?.getTime()).toBeGreaterThan(Date.now());

      // The caller identity comes from the emulator, through the front's pass-through.
      const sts = new STSClient({
        endpoint: plane.front.endpoint,
        region: plane.platform.region,
        credentials,
      });
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
      expect(error.message).toMatch(
        /trust-policy check on role \S*usage-reporter: .*:sub.*system:serviceaccount:default:usage-reporter/,
      );
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
        {
          subject: 'system:serviceaccount:keyless:usage-reporter',
          audience: 'sts.amazonaws.com',
          expiresInSeconds: 3600,
        },
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
        {
          subject: 'system:serviceaccount:keyless:usage-reporter',
          audience: 'sts.amazonaws.com',
          expiresInSeconds: 3600,
        },
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
        expect(error.message).toContain(
          `No OpenIDConnect provider found in your account for ${unregistered.eks.issuerUrl}`,
        );
        expect(error.message).toContain('issuer not registered as an IAM OIDC provider');
        expect(decision).toMatchObject({
          decision: 'denied',
          check: 'issuer',
          issuer: unregistered.eks.issuerUrl,
        });
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
      expect(decision).toMatchObject({
        check: 'algorithm',
        caller: 'system:serviceaccount:keyless:usage-reporter',
      });
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

  describe('token checks the local issuers never trip', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const validClaims = (issuer: string) => ({
      iss: issuer,
      sub: 'system:serviceaccount:keyless:usage-reporter',
      aud: 'sts.amazonaws.com',
      iat: now(),
      exp: now() + 600,
    });

    async function withRegisteredIssuer(
      discovery: Parameters<typeof startHandMadeIssuer>[0],
      run: (issuer: HandMadeIssuer) => Promise<void>,
    ) {
      const issuer = await startHandMadeIssuer(discovery);
      const { iam } = adminClients({ endpoint: plane.platform.awsEndpoint, region: plane.platform.region });
      try {
        await iam.send(
          new CreateOpenIDConnectProviderCommand({
            Url: `https://${withoutScheme(issuer.issuerUrl)}`,
            ClientIDList: ['sts.amazonaws.com'],
          }),
        );
        await run(issuer);
      } finally {
        iam.destroy();
        await issuer.close();
      }
    }

    test('an ES256 token passes the token checks and meets the trust policy, which does not trust its issuer', async () => {
      await withRegisteredIssuer(undefined, async (issuer) => {
        const { error, decision } = await refusal(await issuer.sign(validClaims(issuer.issuerUrl)));
        expect(error.name).toBe('AccessDenied');
        expect(error.message).toContain(
          `principal Federated 'arn:aws:iam::${emulatorAccountId}:oidc-provider/${withoutScheme(issuer.issuerUrl)}' not trusted`,
        );
        expect(decision).toMatchObject({ check: 'trust-policy' });
      });
    });

    test('a token issued in the future is refused by the expiry check', async () => {
      await withRegisteredIssuer(undefined, async (issuer) => {
        const { error, decision } = await refusal(
          await issuer.sign({ ...validClaims(issuer.issuerUrl), iat: now() + 300 }),
        );
        expect(error.message).toContain('iat is in the future, with 30 s clock tolerance (expiry check)');
        expect(decision).toMatchObject({ check: 'expiry' });
      });
    });

    test('a token without exp is refused', async () => {
      await withRegisteredIssuer(undefined, async (issuer) => {
        const { exp: _, ...claims } = validClaims(issuer.issuerUrl);
        const { error, decision } = await refusal(await issuer.sign(claims));
        expect(error.message).toContain('missing required "exp" claim');
        expect(decision).toMatchObject({ check: 'token-format' });
      });
    });

    test('a discovery document pointing jwks_uri at another origin is not followed', async () => {
      const elsewhere = (issuerUrl: string) => ({ issuer: issuerUrl, jwks_uri: 'http://localhost:9/jwks' });
      await withRegisteredIssuer(elsewhere, async (issuer) => {
        const { error, decision } = await refusal(await issuer.sign(validClaims(issuer.issuerUrl)));
        expect(error.name).toBe('IDPCommunicationErrorException');
        expect(error.message).toContain("names a jwks_uri outside the issuer's origin (discovery check)");
        expect(decision).toMatchObject({ check: 'discovery' });
      });
    });

    test('a discovery document naming another issuer is refused', async () => {
      await withRegisteredIssuer(
        () => ({ issuer: 'https://elsewhere.example', jwks_uri: 'https://elsewhere.example/jwks' }),
        async (issuer) => {
          const { error } = await refusal(await issuer.sign(validClaims(issuer.issuerUrl)));
          expect(error.message).toContain('names issuer https://elsewhere.example (discovery check)');
        },
      );
    });

    test('a registered issuer that does not answer is a discovery failure', async () => {
      await withRegisteredIssuer(undefined, async (issuer) => {
        const token = await issuer.sign(validClaims(issuer.issuerUrl));
        await issuer.close();
        const { error, decision } = await refusal(token);
        expect(error.message).toContain("Couldn't retrieve the discovery document");
        expect(decision).toMatchObject({ check: 'discovery' });
      });
    });

    test('an issuer on plain http off this machine is never contacted', async () => {
      const { privateKey } = await generateKeyPair('ES256');
      const token = await new SignJWT(validClaims('http://issuer.example/eks'))
        .setProtectedHeader({ alg: 'ES256' })
        .sign(privateKey);
      const { error, decision } = await refusal(token);
      expect(error.message).toContain('is not an https URL (or http on loopback) (issuer check)');
      expect(decision).toMatchObject({ check: 'issuer' });
    });
  });
});
