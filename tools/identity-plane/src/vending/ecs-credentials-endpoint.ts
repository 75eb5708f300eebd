import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@keyless/logging';
import type { ServiceCredentialIssuer, TemporaryCredentials } from '../contracts.ts';
import { awsTimestamp } from './aws-timestamp.ts';
import { CredentialCache, DEFAULT_REFRESH_MARGIN_SECONDS } from './credential-cache.ts';
import { listenOnLoopback, sendJson } from './loopback-server.ts';
import { parseRoleArn } from './role-arn.ts';
import { logDecision } from './vending-decision.ts';

const ECS_TASKS_PRINCIPAL = 'ecs-tasks.amazonaws.com';

export interface EcsCredentialsEndpointOptions {
  issuer: ServiceCredentialIssuer;
  region: string;
  clusterName: string;
  logger: Logger;
  /** Re-issue a task's credentials once fewer seconds than this remain (default 900). */
  refreshMarginSeconds?: number;
  /** Passed to the issuer; the issuer's default when omitted. */
  durationSeconds?: number;
}

export interface EcsTaskDefinition {
  roleArn: string;
  family: string;
}

/** Exactly the variables a task's containers get for its task role. */
export interface EcsTaskEnvironment {
  AWS_CONTAINER_CREDENTIALS_FULL_URI: string;
  AWS_CONTAINER_AUTHORIZATION_TOKEN: string;
}

export interface EcsTask {
  taskArn: string;
  environment: EcsTaskEnvironment;
  /** The task stopped: its credentials URL answers "Credentials not found" from now on. */
  deregister(): void;
}

export interface EcsCredentialsEndpoint {
  readonly origin: string;
  /**
   * Starts a "task": assumes its task role once, as ECS does before the task runs, so a trust
   * policy that does not allow `ecs-tasks.amazonaws.com` fails here with the issuer's reason.
   */
  registerTask(task: EcsTaskDefinition): Promise<EcsTask>;
  close(): Promise<void>;
}

interface RegisteredTask {
  taskArn: string;
  taskId: string;
  roleArn: string;
  accountId: string;
  tokenDigest: Buffer;
}

const CREDENTIALS_PATH = /^\/v2\/credentials\/([^/]*)$/;

/** The ECS agent's task credentials endpoint (`/v2/credentials/<id>`), one id and token per task. */
export async function startEcsCredentialsEndpoint(
  options: EcsCredentialsEndpointOptions,
): Promise<EcsCredentialsEndpoint> {
  const { issuer, region, clusterName, logger } = options;
  const cache = new CredentialCache(options.refreshMarginSeconds ?? DEFAULT_REFRESH_MARGIN_SECONDS);
  const tasks = new Map<string, RegisteredTask>();

  const issue = (task: RegisteredTask): Promise<TemporaryCredentials> =>
    issuer({
      service: ECS_TASKS_PRINCIPAL,
      roleArn: task.roleArn,
      // ECS names the role session after the task id and sends the task ARN as aws:SourceArn,
      // which the documented `ArnLike arn:aws:ecs:<region>:<account>:*` condition matches.
      sessionName: task.taskId,
      sourceAccount: task.accountId,
      sourceArn: task.taskArn,
      durationSeconds: options.durationSeconds,
    });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const caller = request.socket.remoteAddress ?? 'unknown';
    const match = CREDENTIALS_PATH.exec(new URL(request.url ?? '/', 'http://x').pathname);
    if (request.method !== 'GET' || !match) {
      sendJson(response, 404, { code: 'NotFound', message: 'Not found' });
      return;
    }
    const id = match[1] ?? '';
    // Status codes and codes as the ECS agent's credentials handler answers them.
    if (!id) {
      sendJson(response, 400, {
        code: 'NoIdInRequest',
        message: 'CredentialsV2Request: No Credential ID in the request',
      });
      return;
    }
    const task = tasks.get(id);
    if (!task) {
      deny(caller, undefined, 'unknown credentials id (task never registered or stopped)');
      sendJson(response, 400, {
        code: 'InvalidIdInRequest',
        message: 'CredentialsV2Request: Credentials not found',
      });
      return;
    }
    const token = request.headers.authorization;
    if (!token) {
      deny(task.taskArn, task.roleArn, 'no Authorization header');
      sendJson(response, 401, { code: 'NoAuthorizationToken', message: 'Authorization header required' });
      return;
    }
    if (!timingSafeEqual(digest(token), task.tokenDigest)) {
      deny(
        task.taskArn,
        task.roleArn,
        'Authorization header is not this task’s AWS_CONTAINER_AUTHORIZATION_TOKEN',
      );
      sendJson(response, 403, {
        code: 'InvalidAuthorizationToken',
        message: 'Authorization token does not match',
      });
      return;
    }
    let credentials: TemporaryCredentials;
    try {
      ({ credentials } = await cache.get(id, () => issue(task)));
    } catch (error) {
      deny(task.taskArn, task.roleArn, `issuer refused: ${(error as Error).message}`);
      sendJson(response, 500, { code: 'InternalServerError', message: (error as Error).message });
      return;
    }
    logDecision(logger, {
      mechanism: 'ecs-container-credentials',
      caller: task.taskArn,
      role: task.roleArn,
      allowed: true,
      reason: 'task token matched',
    });
    sendJson(response, 200, {
      RoleArn: task.roleArn,
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      Token: credentials.sessionToken,
      Expiration: awsTimestamp(credentials.expiration),
    });
  }

  function deny(caller: string, role: string | undefined, reason: string): void {
    logDecision(logger, { mechanism: 'ecs-container-credentials', caller, role, allowed: false, reason });
  }

  const server = await listenOnLoopback(handle);

  return {
    origin: server.origin,
    async registerTask({ roleArn, family }) {
      const { partition, accountId } = parseRoleArn(roleArn);
      const taskId = randomUUID().replaceAll('-', '');
      const id = randomUUID();
      const token = randomBytes(32).toString('base64url');
      const task: RegisteredTask = {
        taskArn: `arn:${partition}:ecs:${region}:${accountId}:task/${clusterName}/${taskId}`,
        taskId,
        roleArn,
        accountId,
        tokenDigest: digest(token),
      };
      try {
        await cache.get(id, () => issue(task));
      } catch (error) {
        deny(task.taskArn, roleArn, `task ${family} cannot start: ${(error as Error).message}`);
        throw new Error(
          `ECS was unable to assume the role '${roleArn}' for task ${family}: ${(error as Error).message}`,
          { cause: error },
        );
      }
      tasks.set(id, task);
      return {
        taskArn: task.taskArn,
        environment: {
          AWS_CONTAINER_CREDENTIALS_FULL_URI: `${server.origin}/v2/credentials/${id}`,
          AWS_CONTAINER_AUTHORIZATION_TOKEN: token,
        },
        deregister: () => {
          tasks.delete(id);
          cache.delete(id);
        },
      };
    },
    close: () => server.close(),
  };
}

/** Fixed-length digests, so the comparison is constant-time whatever the caller sends. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
