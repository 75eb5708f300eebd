import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Logger } from '@keyless/logging';
import { decodeJwt, type JWTPayload } from 'jose';
import type { TokenMinter } from '../contracts.ts';
import { mintServiceAccountToken } from '../oidc/service-account-token.ts';

/** `aud` of the token IRSA hands to STS AssumeRoleWithWebIdentity. */
export const IRSA_AUDIENCE = 'sts.amazonaws.com';
/** `aud` of the token EKS Pod Identity hands to its agent. */
export const POD_IDENTITY_AUDIENCE = 'pods.eks.amazonaws.com';

/** The expirationSeconds both EKS webhooks request for the projected token: one day. */
const DEFAULT_EXPIRES_IN_SECONDS = 86_400;
/** The kubelet rewrites a projected token once it is older than 80% of its lifetime. */
const ROTATE_AT_FRACTION = 0.8;

export interface KubernetesPod {
  name: string;
  uid: string;
}

export interface ProjectedTokenFileOptions {
  /** The local "EKS cluster" OIDC issuer. */
  minter: TokenMinter;
  path: string;
  namespace: string;
  serviceAccount: string;
  /** Default `<serviceAccount>-local`. The pod's uid follows from its name. */
  podName?: string;
  /** Default `sts.amazonaws.com` (IRSA); `pods.eks.amazonaws.com` for Pod Identity. */
  audience?: string;
  /** Default 86400. */
  expiresInSeconds?: number;
  logger: Logger;
}

export interface ProjectedTokenFile {
  readonly path: string;
  /** The pod the token is bound to (its `kubernetes.io` claim). */
  readonly pod: KubernetesPod;
  /** How many tokens have been written so far, the first included. */
  readonly writes: number;
  stop(): void;
}

/**
 * A service-account token projected into a file the way the kubelet does it: written before the
 * pod starts, then rewritten at 80% of its lifetime, each time to a temporary file renamed over the
 * old one, so a reader sees the old token or the new one and never a partial file.
 */
export async function startProjectedTokenFile(
  options: ProjectedTokenFileOptions,
): Promise<ProjectedTokenFile> {
  const { minter, path, logger } = options;
  const tokenOptions = {
    namespace: options.namespace,
    serviceAccount: options.serviceAccount,
    podName: options.podName,
    audience: options.audience ?? IRSA_AUDIENCE,
    expiresInSeconds: options.expiresInSeconds ?? DEFAULT_EXPIRES_IN_SECONDS,
  };
  let writes = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  async function write(): Promise<JWTPayload> {
    const token = await mintServiceAccountToken(minter, tokenOptions);
    const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      await writeFile(temporary, token, { mode: 0o600 });
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    writes += 1;
    return decodeJwt(token);
  }

  /**
   * Schedules the next write at 80% of the written token's lifetime, taken from its own `iat` and
   * `exp`: they are whole seconds, so a token minted at x.9 s lives up to a second less than asked,
   * which matters for short lifetimes.
   */
  function scheduleAfter({ iat = 0, exp = 0 }: JWTPayload): void {
    schedule((iat + (exp - iat) * ROTATE_AT_FRACTION) * 1000 - Date.now());
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    timer = setTimeout(rotate, delayMs);
    // A workload's token file must not keep the plane's process alive on its own.
    timer.unref();
  }

  async function rotate(): Promise<void> {
    try {
      scheduleAfter(await write());
    } catch (error) {
      // The current token stays valid for the remaining 20% of its lifetime: retry well within it.
      logger.error({ err: error, path }, 'projected token rotation failed; retrying');
      schedule(tokenOptions.expiresInSeconds * 1000 * ((1 - ROTATE_AT_FRACTION) / 4));
    }
  }

  await mkdir(dirname(path), { recursive: true });
  const first = await write();
  scheduleAfter(first);

  return {
    path,
    pod: (first['kubernetes.io'] as { pod: KubernetesPod }).pod,
    get writes() {
      return writes;
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** The variables the EKS Pod Identity webhook adds to a pod whose service account has an IRSA role. */
export interface IrsaEnvironment {
  AWS_ROLE_ARN: string;
  AWS_WEB_IDENTITY_TOKEN_FILE: string;
}

export function irsaEnvironment(roleArn: string, tokenFile: ProjectedTokenFile): IrsaEnvironment {
  return { AWS_ROLE_ARN: roleArn, AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile.path };
}
