// EKS Pod Identity from the same API server: the pod-identity overlay applied, a token of audience
// pods.eks.amazonaws.com minted by TokenRequest bound to the usage-reporter Pod, and the local Pod
// Identity agent checking it against the cluster's published keys before it issues the role's
// credentials (as pods.eks.amazonaws.com, with EKS's session tags). Other audiences and keys the
// cluster does not publish are refused.
import { emulatorAccountId } from '@keyless/local-platform';
import { POD_IDENTITY_AUDIENCE, startPodIdentityAgent, type PodIdentityAgent } from '@keyless/identity-plane';
import { createLogger } from '@keyless/logging';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestToken } from '../../src/cluster/token-request.ts';
import { LOCAL_OVERLAY_PARAMS } from '../support/cluster.ts';
import { useIrsaPlane } from '../support/irsa-plane.ts';
import { renderOverlay } from '../support/rendered-overlays.ts';

const plane = useIrsaPlane();
const NAMESPACE = 'keyless';
let agent: PodIdentityAgent;
let pod: { name: string; uid: string };

/** A Pod the restricted profile admits; it stays Pending (nothing runs it), which is all a bound token needs. */
const hardenedPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'usage-reporter-pod-identity' },
  spec: {
    serviceAccountName: 'usage-reporter',
    securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [
      {
        name: 'usage-reporter',
        image: LOCAL_OVERLAY_PARAMS.image,
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      },
    ],
  },
};

beforeAll(async () => {
  expect(
    plane.kubectl(['apply', '--server-side', '-f', '-'], renderOverlay('pod-identity', LOCAL_OVERLAY_PARAMS))
      .status,
  ).toBe(0);
  const created = await plane.cluster.admin.ok<{ metadata: { name: string; uid: string } }>(
    'POST',
    `/api/v1/namespaces/${NAMESPACE}/pods`,
    hardenedPod,
  );
  pod = { name: created.metadata.name, uid: created.metadata.uid };
  agent = await startPodIdentityAgent({
    issuer: plane.front.issueServiceCredentials,
    clusterArn: `arn:aws:eks:${plane.platform.region}:${emulatorAccountId}:cluster/keyless`,
    tokenIssuer: {
      issuerUrl: plane.cluster.issuer,
      jwksUrl: `${plane.cluster.server}/openid/v1/jwks`,
      caCertificate: plane.cluster.pki.caCertificate,
    },
    associations: [
      { namespace: NAMESPACE, serviceAccount: 'usage-reporter', roleArn: plane.usageReporterRoleArn },
    ],
    logger: createLogger({ service: 'pod-identity-agent', level: 'silent' }),
  });
}, 120_000);
afterAll(() => agent?.close());

const podToken = (audience: string) =>
  requestToken(plane.cluster.admin, {
    namespace: NAMESPACE,
    serviceAccount: 'usage-reporter',
    audiences: [audience],
    expirationSeconds: 3600,
    boundPod: pod,
  }).then((issued) => issued.token);

const askAgent = (token: string) => fetch(agent.credentialsUrl, { headers: { authorization: token } });

describe('Pod Identity with tokens from the API server', () => {
  it('issues the role\u2019s credentials for a pods.eks.amazonaws.com token bound to the Pod', async () => {
    const token = await podToken(POD_IDENTITY_AUDIENCE);
    expect(decodeJwt(token)).toMatchObject({
      iss: plane.cluster.issuer,
      aud: [POD_IDENTITY_AUDIENCE],
      'kubernetes.io': { pod: { name: pod.name, uid: pod.uid } },
    });
    const response = await askAgent(token);
    expect(response.status).toBe(200);
    const credentials = (await response.json()) as { AccessKeyId?: string; AccountId?: string };
    expect(credentials.AccessKeyId).toBeTruthy();
  });

  it('refuses the IRSA audience', async () => {
    const response = await askAgent(await podToken('sts.amazonaws.com'));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('InvalidTokenException');
  });

  it('refuses a token signed by a key the cluster does not publish', async () => {
    const genuine = await podToken(POD_IDENTITY_AUDIENCE);
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT(decodeJwt(genuine))
      .setProtectedHeader(decodeProtectedHeader(genuine) as { alg: string; kid: string })
      .sign(privateKey);
    const response = await askAgent(forged);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('signature verification failed');
  });
});
