import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startPodIdentityAgent, type PodIdentityAgent } from './pod-identity-agent.ts';
import { POD_IDENTITY_AUDIENCE, startProjectedTokenFile } from './projected-token-file.ts';
import { captureLogger } from './testing/capture-logger.ts';
import { recordingIssuer } from './testing/recording-issuer.ts';
import { resolveInChildProcess } from './testing/run-default-chain.ts';
import { mintWithUnknownKey, startTestOidcIssuer, type TestOidcIssuer } from './testing/test-oidc-issuer.ts';

const clusterArn = 'arn:aws:eks:eu-west-1:123456789012:cluster/keyless';
const roleArn = 'arn:aws:iam::123456789012:role/usage-reporter';
const issuer = recordingIssuer();
const { logger, lines } = captureLogger();
const directory = mkdtempSync(join(tmpdir(), 'pod-identity-'));
let eks: TestOidcIssuer;
let agent: PodIdentityAgent;

beforeAll(async () => {
  eks = await startTestOidcIssuer();
  agent = await startPodIdentityAgent({
    issuer: issuer.issue,
    clusterArn,
    tokenIssuer: { issuerUrl: eks.issuerUrl, jwksUrl: eks.jwksUrl },
    associations: [{ namespace: 'keyless', serviceAccount: 'usage-reporter', roleArn }],
    logger,
  });
});
afterAll(async () => {
  await agent.close();
  await eks.close();
  rmSync(directory, { recursive: true, force: true });
});
beforeEach(() => {
  issuer.requests.length = 0;
  lines.length = 0;
});

function podTokenFile(serviceAccount: string, name = serviceAccount) {
  return startProjectedTokenFile({
    minter: eks,
    path: join(directory, name, 'eks-pod-identity-token'),
    namespace: 'keyless',
    serviceAccount,
    audience: POD_IDENTITY_AUDIENCE,
    logger,
  });
}

/** A pod-bound token as the kubelet would project it, with claims overridden for the case under test. */
function podToken(overrides: { audience?: string; expiresInSeconds?: number; serviceAccount?: string } = {}) {
  const serviceAccount = overrides.serviceAccount ?? 'usage-reporter';
  return eks.mint({
    subject: `system:serviceaccount:keyless:${serviceAccount}`,
    audience: overrides.audience ?? POD_IDENTITY_AUDIENCE,
    expiresInSeconds: overrides.expiresInSeconds ?? 600,
    extraClaims: {
      'kubernetes.io': {
        namespace: 'keyless',
        pod: { name: 'reporter-1', uid: 'uid-1' },
        serviceaccount: { name: serviceAccount, uid: 'sa-1' },
      },
    },
  });
}

describe('a pod started with only the Pod Identity variables', () => {
  test('gets its association’s role through the SDK default chain, with the EKS session tags', async () => {
    const tokenFile = await podTokenFile('usage-reporter');
    const result = await resolveInChildProcess({ ...agent.podEnvironment(tokenFile) });
    tokenFile.stop();
    expect(result.error).toBeUndefined();
    expect(result.accessKeyIds).toEqual([issuer.issued.at(-1)?.accessKeyId]);
    expect(issuer.requests).toEqual([
      expect.objectContaining({
        service: 'pods.eks.amazonaws.com',
        roleArn,
        sessionName: expect.stringMatching(/^eks-keyless-usage-reporter-[\w-]+$/),
        sourceAccount: '123456789012',
        sourceArn: clusterArn,
        tags: {
          'eks-cluster-arn': clusterArn,
          'eks-cluster-name': 'keyless',
          'kubernetes-namespace': 'keyless',
          'kubernetes-service-account': 'usage-reporter',
          'kubernetes-pod-name': tokenFile.pod.name,
          'kubernetes-pod-uid': tokenFile.pod.uid,
        },
      }),
    ]);
    expect(issuer.requests[0]?.sessionName.length).toBeLessThanOrEqual(64);
  });

  test('with the token of a service account that has no association it gets nothing, and the log says why', async () => {
    const tokenFile = await podTokenFile('ledger-worker');
    const result = await resolveInChildProcess({ ...agent.podEnvironment(tokenFile) });
    tokenFile.stop();
    expect(result.accessKeyIds).toBeUndefined();
    expect(issuer.requests).toHaveLength(0);
    expect(lines).toContainEqual(
      expect.objectContaining({
        decision: 'denied',
        reason: expect.stringMatching(/^ResourceNotFoundException: .*keyless\/ledger-worker/),
      }),
    );
  });
});

describe('the agent refuses', () => {
  const cases: [string, () => Promise<string | undefined>, number, RegExp][] = [
    ['no token', async () => undefined, 400, /^Service account token cannot be empty$/],
    [
      'an IRSA token (aud sts.amazonaws.com)',
      () => podToken({ audience: 'sts.amazonaws.com' }),
      400,
      /^\(InvalidTokenException\): .*aud/,
    ],
    ['an expired token', () => podToken({ expiresInSeconds: -60 }), 400, /^\(ExpiredTokenException\)/],
    [
      'a token signed by a key the cluster never published',
      () =>
        mintWithUnknownKey(eks.issuerUrl, {
          subject: 'system:serviceaccount:keyless:usage-reporter',
          audience: POD_IDENTITY_AUDIENCE,
          expiresInSeconds: 600,
        }),
      400,
      /^\(InvalidTokenException\): .*signature/,
    ],
    [
      'a token of another issuer, even signed with the cluster’s key',
      () =>
        eks.mintClaiming('https://oidc.eks.eu-west-1.amazonaws.com/id/OTHER', {
          subject: 'system:serviceaccount:keyless:usage-reporter',
          audience: POD_IDENTITY_AUDIENCE,
          expiresInSeconds: 600,
        }),
      400,
      /^\(InvalidTokenException\): .*iss/,
    ],
    [
      'an unsigned token (alg none)',
      async () =>
        new UnsecuredJWT({ sub: 'system:serviceaccount:keyless:usage-reporter' })
          .setIssuer(eks.issuerUrl)
          .setAudience(POD_IDENTITY_AUDIENCE)
          .setExpirationTime('10m')
          .encode(),
      400,
      /^\(InvalidTokenException\)/,
    ],
    [
      'an HS256 token',
      () =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuer(eks.issuerUrl)
          .setAudience(POD_IDENTITY_AUDIENCE)
          .setSubject('system:serviceaccount:keyless:usage-reporter')
          .setExpirationTime('10m')
          .sign(new TextEncoder().encode('a-shared-secret-of-32-bytes-long!')),
      400,
      /^\(InvalidTokenException\)/,
    ],
    [
      'a valid token that is not bound to a pod',
      () =>
        eks.mint({
          subject: 'system:serviceaccount:keyless:usage-reporter',
          audience: POD_IDENTITY_AUDIENCE,
          expiresInSeconds: 600,
        }),
      400,
      /^\(InvalidTokenException\): .*not a pod-bound/,
    ],
    [
      'a service account without an association',
      () => podToken({ serviceAccount: 'api' }),
      404,
      /^\(ResourceNotFoundException\): .*keyless\/api/,
    ],
  ];

  test.each(cases)('%s', async (_name, token, status, body) => {
    const authorization = await token();
    const response = await fetch(agent.credentialsUrl, { headers: authorization ? { authorization } : {} });
    expect(response.status).toBe(status);
    expect(await response.text()).toMatch(body);
    expect(issuer.requests).toHaveLength(0);
  });

  test('a role whose trust policy does not allow pods.eks, with EKS Auth’s AccessDeniedException', async () => {
    issuer.denyRole = roleArn;
    try {
      const response = await fetch(agent.credentialsUrl, { headers: { authorization: await podToken() } });
      expect(response.status).toBe(400);
      expect(await response.text()).toMatch(
        /^\(AccessDeniedException\): pods\.eks\.amazonaws\.com is not allowed/,
      );
    } finally {
      delete issuer.denyRole;
    }
  });
});

test('credentials are cached per pod: a second request within the margin costs no issuance', async () => {
  const token = await podToken();
  const first = await (await fetch(agent.credentialsUrl, { headers: { authorization: token } })).json();
  const second = await (
    await fetch(agent.credentialsUrl, { headers: { authorization: await podToken() } })
  ).json();
  expect(second).toEqual(first);
  expect(first).toMatchObject({ AccountId: '123456789012', Expiration: expect.stringMatching(/Z$/) });
  expect(issuer.requests).toHaveLength(1);
});
