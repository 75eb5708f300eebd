import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@keyless/logging';
import { createRemoteJWKSet, customFetch, errors, jwtVerify, type JWTPayload } from 'jose';
import { fetchTrusting } from '../fetch-trusting.ts';
import type { ServiceCredentialIssuer, TemporaryCredentials } from '../contracts.ts';
import { CredentialCache, DEFAULT_REFRESH_MARGIN_SECONDS } from './credential-cache.ts';
import { listenOnLoopback, sendJson, sendText } from '../loopback-server.ts';
import { POD_IDENTITY_AUDIENCE, type ProjectedTokenFile } from './projected-token-file.ts';
import { logDecision } from './vending-decision.ts';

const PODS_EKS_PRINCIPAL = 'pods.eks.amazonaws.com';

export interface PodIdentityAssociation {
  namespace: string;
  serviceAccount: string;
  roleArn: string;
}

export interface PodIdentityAgentOptions {
  issuer: ServiceCredentialIssuer;
  /** e.g. `arn:aws:eks:eu-west-1:123456789012:cluster/keyless` */
  clusterArn: string;
  /**
   * The cluster's service-account token issuer: `iss` it must carry and where its keys are (with
   * the CA of that URL's certificate when it is a local one, e.g. a local API server's JWKS).
   */
  tokenIssuer: { issuerUrl: string; jwksUrl: string; caCertificate?: string };
  associations: readonly PodIdentityAssociation[];
  logger: Logger;
  /** Re-issue a pod's credentials once fewer seconds than this remain (default 900). */
  refreshMarginSeconds?: number;
  durationSeconds?: number;
}

/** Exactly the variables EKS adds to a pod whose service account has a Pod Identity association. */
export interface PodIdentityEnvironment {
  AWS_CONTAINER_CREDENTIALS_FULL_URI: string;
  AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: string;
}

export interface PodIdentityAgent {
  /** Where pods ask: on EKS `http://169.254.170.23/v1/credentials`, here on loopback. */
  readonly credentialsUrl: string;
  podEnvironment(tokenFile: ProjectedTokenFile): PodIdentityEnvironment;
  close(): Promise<void>;
}

interface PodIdentity {
  namespace: string;
  serviceAccount: string;
  podName: string;
  podUid: string;
}

/** A refusal with the status and error code EKS Auth (and so the agent) answers it with. */
class Refusal extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const CLUSTER_ARN = /^arn:(aws[a-z-]*):eks:([a-z0-9-]+):(\d{12}):cluster\/([0-9A-Za-z][A-Za-z0-9_-]*)$/;

/**
 * The EKS Pod Identity Agent and the EKS Auth API behind it, in one: verifies the pod's projected
 * service-account token, finds the association for its namespace and service account, and has the
 * issuer assume the role as `pods.eks.amazonaws.com` with the session tags EKS sets.
 */
export async function startPodIdentityAgent(options: PodIdentityAgentOptions): Promise<PodIdentityAgent> {
  const { issuer, tokenIssuer, associations, logger } = options;
  const cluster = CLUSTER_ARN.exec(options.clusterArn);
  if (!cluster) throw new Error(`not an EKS cluster ARN: ${options.clusterArn}`);
  const [clusterArn, , , accountId = '', clusterName = ''] = cluster;
  const keys = createRemoteJWKSet(new URL(tokenIssuer.jwksUrl), {
    ...(tokenIssuer.caCertificate ? { [customFetch]: fetchTrusting(tokenIssuer.caCertificate) } : {}),
  });
  const cache = new CredentialCache(options.refreshMarginSeconds ?? DEFAULT_REFRESH_MARGIN_SECONDS);

  async function verify(token: string): Promise<PodIdentity> {
    let payload: JWTPayload;
    try {
      // Kubernetes signs service-account tokens with RS256 or ES256; naming them rules out `none` and HMAC.
      ({ payload } = await jwtVerify(token, keys, {
        issuer: tokenIssuer.issuerUrl,
        audience: POD_IDENTITY_AUDIENCE,
        algorithms: ['RS256', 'ES256'],
        // A token without an expiry would be valid forever.
        requiredClaims: ['exp', 'iat', 'sub'],
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired)
        throw new Refusal(400, 'ExpiredTokenException', 'the service account token has expired');
      throw new Refusal(
        400,
        'InvalidTokenException',
        `the service account token is not valid: ${(error as Error).message}`,
      );
    }
    const kubernetes = payload['kubernetes.io'] as
      | { namespace?: string; pod?: { name?: string; uid?: string }; serviceaccount?: { name?: string } }
      | undefined;
    const identity = {
      namespace: kubernetes?.namespace ?? '',
      serviceAccount: kubernetes?.serviceaccount?.name ?? '',
      podName: kubernetes?.pod?.name ?? '',
      podUid: kubernetes?.pod?.uid ?? '',
    };
    // Only a token bound to a pod identifies one; and the claim must agree with the subject.
    if (
      !identity.podName ||
      !identity.podUid ||
      payload.sub !== `system:serviceaccount:${identity.namespace}:${identity.serviceAccount}`
    ) {
      throw new Refusal(400, 'InvalidTokenException', 'the token is not a pod-bound service account token');
    }
    return identity;
  }

  function issue(pod: PodIdentity, roleArn: string): Promise<TemporaryCredentials> {
    return issuer({
      service: PODS_EKS_PRINCIPAL,
      roleArn,
      // EKS: `eks-<cluster>-<pod>-<uuid>`, shortened to STS's 64-character limit.
      sessionName: `${`eks-${clusterName}-${pod.podName}`.slice(0, 27).replace(/-+$/, '')}-${randomUUID()}`,
      tags: {
        'eks-cluster-arn': clusterArn,
        'eks-cluster-name': clusterName,
        'kubernetes-namespace': pod.namespace,
        'kubernetes-service-account': pod.serviceAccount,
        'kubernetes-pod-name': pod.podName,
        'kubernetes-pod-uid': pod.podUid,
      },
      sourceAccount: accountId,
      sourceArn: clusterArn,
      durationSeconds: options.durationSeconds,
    }).catch((error: unknown) => {
      // A trust-policy denial (the STS front's StsError, code AccessDenied) is EKS Auth's
      // AccessDeniedException; anything else is its fault, not the pod's.
      if ((error as { code?: unknown }).code === 'AccessDenied')
        throw new Refusal(400, 'AccessDeniedException', (error as Error).message);
      throw new Refusal(500, 'InternalServerException', (error as Error).message);
    });
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'GET' || new URL(request.url ?? '/', 'http://x').pathname !== '/v1/credentials') {
      sendText(response, 404, 'Not found');
      return;
    }
    let caller = request.socket.remoteAddress ?? 'unknown';
    let roleArn: string | undefined;
    try {
      const token = request.headers.authorization?.trim();
      // The agent's own check, before it calls EKS Auth.
      if (!token) throw new Refusal(400, 'BadRequest', 'Service account token cannot be empty');
      const pod = await verify(token);
      caller = `${pod.namespace}/${pod.podName}`;
      const association = associations.find(
        (a) => a.namespace === pod.namespace && a.serviceAccount === pod.serviceAccount,
      );
      if (!association) {
        throw new Refusal(
          404,
          'ResourceNotFoundException',
          `no Pod Identity association for service account ${pod.namespace}/${pod.serviceAccount} in cluster ${clusterName}`,
        );
      }
      roleArn = association.roleArn;
      const { credentials } = await cache.get(`${pod.podUid}\n${roleArn}`, () =>
        issue(pod, association.roleArn),
      );
      logDecision(logger, {
        mechanism: 'eks-pod-identity',
        caller,
        role: roleArn,
        allowed: true,
        reason: `association ${pod.namespace}/${pod.serviceAccount}`,
      });
      sendJson(response, 200, {
        AccessKeyId: credentials.accessKeyId,
        SecretAccessKey: credentials.secretAccessKey,
        Token: credentials.sessionToken,
        AccountId: accountId,
        Expiration: credentials.expiration.toISOString(),
      });
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      logDecision(logger, {
        mechanism: 'eks-pod-identity',
        caller,
        role: roleArn,
        allowed: false,
        reason: `${error.code}: ${error.message}`,
      });
      // The agent relays EKS Auth's status with a plain-text `(<code>): <message>` body.
      sendText(
        response,
        error.status,
        error.code === 'BadRequest' ? error.message : `(${error.code}): ${error.message}`,
      );
    }
  }

  const server = await listenOnLoopback(handle);
  const credentialsUrl = `${server.origin}/v1/credentials`;
  return {
    credentialsUrl,
    podEnvironment: (tokenFile) => ({
      AWS_CONTAINER_CREDENTIALS_FULL_URI: credentialsUrl,
      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile.path,
    }),
    close: () => server.close(),
  };
}
