// The local ECR: the registry process, the HTTPS front on the local CA (token endpoint + tag
// immutability) at `localhost:<port>`, and the GetAuthorizationToken answer for the permission
// gate. Addressed as `localhost`, never 127.0.0.1: crane refuses a token realm on a loopback IP,
// and oras one that resolves to loopback unless it is the registry's own host (notes on clients
// in this project's README).
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IMAGE_NAMES, imageRepositoryArn, imageRepositoryPolicy } from '@keyless/iam-model';
import type { PolicyDocument } from '@keyless/iam-policy';
import type { Logger } from '@keyless/logging';
import { holdPath, releasePath } from '@keyless/owned-process';
import type { CloudTrailRecord, LocalAnswer, LocalTls, RolePolicySource } from '@keyless/permission-gate';
import { getAuthorizationTokenAnswer } from './get-authorization-token.ts';
import { createPasswordSealer, type PasswordSealer } from './login-password.ts';
import { bearerCaller, ecrTrailRecord } from './ecr-trail-record.ts';
import { registryFront, tagImmutabilityMessage } from './registry-front.ts';
import { startRegistryProcess, type RegistryProcess } from './registry-process.ts';
import { createTokenSigner } from './registry-token-signer.ts';
import { DISTRIBUTION, ensureRegistryTool } from './registry-tools.ts';
import { tokenEndpoint } from './token-endpoint.ts';

export const TOKEN_ISSUER = 'keyless-local-ecr';

export interface ImageRegistryOptions {
  tls: Pick<LocalTls, 'issueCertificate'>;
  /** The role policies the gate decides with (LocalGate.deps.roles). */
  roles: RolePolicySource;
  region: string;
  accountId: string;
  trail?: { append(record: CloudTrailRecord): void };
  logger: Logger;
  /** Where images are kept; a fresh temporary directory by default. */
  storageDir?: string;
  /** Repository policies by ARN: the IAM model's for keyless/<image> by default. */
  repositoryPolicies?: Readonly<Record<string, PolicyDocument>>;
  /** The password sealer (tests pass one to make expired or foreign passwords). */
  sealer?: PasswordSealer;
  now?: () => Date;
}

export interface ImageRegistry {
  /** `localhost:<port>`: what image references start with. */
  host: string;
  /** `https://localhost:<port>`: ECR's proxyEndpoint. */
  endpoint: string;
  /** The gate's answer to `ecr:GetAuthorizationToken` (PermissionGateOptions.localAnswers). */
  getAuthorizationToken: LocalAnswer;
  close(): Promise<void>;
}

/** The model's repository policy on each of keyless/<image>. */
export function modelRepositoryPolicies(params: {
  region: string;
  accountId: string;
}): Record<string, PolicyDocument> {
  const scope = { partition: 'aws', ...params };
  return Object.fromEntries(
    IMAGE_NAMES.map((image) => [imageRepositoryArn(scope, image), imageRepositoryPolicy(scope)]),
  );
}

export async function startImageRegistry(options: ImageRegistryOptions): Promise<ImageRegistry> {
  const binary = ensureRegistryTool(DISTRIBUTION);
  const workDir = await mkdtemp(join(tmpdir(), 'keyless-registry-'));
  // Deleted by the lifeline's watchdog should this process die before close().
  holdPath(workDir);
  const sealer = options.sealer ?? createPasswordSealer();
  const signer = await createTokenSigner(TOKEN_ISSUER);
  const policies = options.repositoryPolicies ?? modelRepositoryPolicies(options);
  const certificate = await options.tls.issueCertificate(['localhost'], 'keyless local ECR');

  // The front's port comes first: the registry's token realm and service name carry it.
  const server = createServer(certificate);
  // On the IPv4 loopback: `localhost` resolves to it on every machine, ::1 not on all.
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const { port } = server.address() as AddressInfo;
  const host = `localhost:${port}`;
  const endpoint = `https://${host}`;
  let registry: RegistryProcess;
  try {
    registry = await startRegistryProcess({
      binary,
      workDir,
      ...(options.storageDir && { storageDir: options.storageDir }),
      auth: {
        realm: `${endpoint}/token`,
        service: host,
        issuer: TOKEN_ISSUER,
        certificate: signer.certificate,
      },
    });
  } catch (error) {
    server.close();
    await rm(workDir, { recursive: true, force: true });
    releasePath(workDir);
    throw error;
  }
  const front = registryFront({
    upstream: { host: registry.host, port: registry.port },
    token: tokenEndpoint({
      sealer,
      signer,
      roles: options.roles,
      service: host,
      issuer: TOKEN_ISSUER,
      region: options.region,
      repositoryPolicy: (arn) => policies[arn],
      ...(options.trail && { trail: options.trail }),
      ...(options.now && { now: options.now }),
    }),
    onTagRefused: (repository, tag, req) => {
      options.logger.warn({ repository, tag }, 'refused a second push of an immutable tag');
      const identity = bearerCaller(req.headers.authorization);
      if (!identity) return;
      // ECR's PutImage of an existing tag in an IMMUTABLE repository, as CloudTrail records it.
      options.trail?.append(
        ecrTrailRecord({
          identity,
          action: 'ecr:PutImage',
          repositoryName: repository,
          repositoryArn: `arn:aws:ecr:${options.region}:${identity.accountId}:repository/${repository}`,
          outcome: {
            result: 'failed',
            errorCode: 'ImageTagAlreadyExistsException',
            errorMessage: tagImmutabilityMessage(tag, repository),
          },
          region: options.region,
          req,
        }),
      );
    },
  });
  server.on('request', (req, res) => {
    front(req, res).catch((error: unknown) => {
      options.logger.error({ err: error }, 'the registry front failed on a request');
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  return {
    host,
    endpoint,
    getAuthorizationToken: getAuthorizationTokenAnswer(sealer, endpoint, options.now),
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await registry.close();
      await rm(workDir, { recursive: true, force: true });
      releasePath(workDir);
    },
  };
}
