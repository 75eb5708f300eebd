// The cluster is the IRSA issuer: tokens the API server mints (TokenRequest, audience
// sts.amazonaws.com) are exchanged at the STS front, which verifies them against the JWKS the API
// server's discovery document names, as AWS does for an EKS cluster. The forged cases are refused.
import { fromWebToken } from '@aws-sdk/credential-providers';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { requestToken } from '../../src/cluster/token-request.ts';
import { LOCAL_OVERLAY_PARAMS } from '../support/cluster.ts';
import { renderOverlay } from '../support/rendered-overlays.ts';
import { useIrsaPlane } from '../support/irsa-plane.ts';

const plane = useIrsaPlane();
const NAMESPACE = 'keyless';

function assume(webIdentityToken: string) {
  return fromWebToken({
    roleArn: plane.usageReporterRoleArn,
    roleSessionName: 'irsa-test',
    webIdentityToken,
    clientConfig: { endpoint: plane.front.endpoint, region: plane.platform.region, maxAttempts: 1 },
  })();
}

async function refusal(token: string) {
  const error = await assume(token).then(
    () => undefined,
    (caught: unknown) => caught as Error,
  );
  expect(error, 'the token was accepted').toBeInstanceOf(Error);
  return { error: error as Error, decision: plane.decisions().at(-1) };
}

const tokenFor = (serviceAccount: string, audiences?: string[]) =>
  requestToken(plane.cluster.admin, {
    namespace: NAMESPACE,
    serviceAccount,
    audiences,
    expirationSeconds: 3600,
  }).then((issued) => issued.token);

describe('the API server as the IRSA issuer', () => {
  it('serves the discovery document of its EKS-shaped issuer to anyone, naming its JWKS', async () => {
    const anonymous = plane.cluster.admin.as({});
    const discovery = await anonymous.ok<{ issuer: string; jwks_uri: string }>(
      'GET',
      '/.well-known/openid-configuration',
    );
    expect(discovery.issuer).toBe(plane.cluster.issuer);
    expect(discovery.issuer).toMatch(/^https:\/\/oidc\.eks\.[a-z0-9-]+\.amazonaws\.com\/id\/[0-9A-F]{32}$/);
    const jwks = await anonymous.ok<{ keys: Array<{ kid: string; alg: string }> }>(
      'GET',
      new URL(discovery.jwks_uri).pathname,
    );
    expect(jwks.keys.map((key) => key.alg)).toEqual(['RS256']);
  });

  it('mints usage-reporter tokens that STS exchanges for the role', async () => {
    expect(
      plane.kubectl(['apply', '--server-side', '-f', '-'], renderOverlay('irsa', LOCAL_OVERLAY_PARAMS))
        .status,
    ).toBe(0);
    const token = await tokenFor('usage-reporter', ['sts.amazonaws.com']);
    expect(decodeJwt(token)).toMatchObject({
      iss: plane.cluster.issuer,
      sub: 'system:serviceaccount:keyless:usage-reporter',
      aud: ['sts.amazonaws.com'],
    });
    const credentials = await assume(token);
    expect(credentials.sessionToken).toBeTruthy();
    expect(plane.decisions().at(-1)).toMatchObject({
      caller: 'system:serviceaccount:keyless:usage-reporter',
      issuer: plane.cluster.issuer,
      decision: 'allowed',
      check: 'trust-policy',
    });
  });

  it('refuses a token of another service account by the role\u2019s trust policy', async () => {
    plane.kubectl(['--namespace', NAMESPACE, 'create', 'serviceaccount', 'other']);
    const { error, decision } = await refusal(await tokenFor('other', ['sts.amazonaws.com']));
    expect(error.name).toBe('AccessDenied');
    expect(error.message).toContain('system:serviceaccount:keyless:other');
    expect(decision).toMatchObject({ decision: 'denied', check: 'trust-policy' });
  });

  it('refuses a token with the API server\u2019s own audience', async () => {
    const token = await tokenFor('usage-reporter');
    expect(decodeJwt(token).aud).toEqual([plane.cluster.apiAudience]);
    const { error, decision } = await refusal(token);
    expect(error.name).toBe('InvalidIdentityTokenException');
    expect(error.message).toContain('Incorrect token audience (audience check');
    expect(decision).toMatchObject({ decision: 'denied', check: 'audience' });
  });

  it('refuses a token signed by a key the cluster does not publish, even under the cluster\u2019s kid', async () => {
    const genuine = await tokenFor('usage-reporter', ['sts.amazonaws.com']);
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT(decodeJwt(genuine))
      .setProtectedHeader(decodeProtectedHeader(genuine) as { alg: string; kid: string })
      .sign(privateKey);
    const { error, decision } = await refusal(forged);
    expect(error.name).toBe('InvalidIdentityTokenException');
    expect(error.message).toContain('signature does not verify with the keys of');
    expect(decision).toMatchObject({ decision: 'denied', check: 'signature' });
  });
});
