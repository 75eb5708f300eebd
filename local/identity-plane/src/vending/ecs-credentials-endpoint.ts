import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Logger } from '@keyless/logging';
import type { ServiceCredentialIssuer, TemporaryCredentials } from '../contracts.ts';
import { awsTimestamp } from './aws-timestamp.ts';
import { CredentialCache, DEFAULT_REFRESH_MARGIN_SECONDS } from './credential-cache.ts';
import {
  close,
  listen,
  sendJson,
  sendText,
  type LoopbackServer,
  type RequestHandler,
} from '../loopback-server.ts';
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
  /** Where to listen; default 127.0.0.1. docker compose listens on the container's network. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /**
   * The host workloads reach the endpoint at, when it is not the one listened on: under docker
   * compose the identity container has the ECS agent's address, 169.254.170.2, which the SDKs
   * accept over plain HTTP as they accept loopback.
   */
  advertisedHost?: string;
}

export interface EcsTaskDefinition {
  roleArn: string;
  family: string;
  /**
   * The id in the credentials URL; default a random UUID, as the ECS agent's. A container whose
   * environment is written before the endpoint starts (docker compose) needs a fixed one; the
   * token is still new at every registration.
   */
  credentialsId?: string;
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

  const server = await listenOn(options.host ?? '127.0.0.1', options.port ?? 0, handle);
  const origin = advertised(server.origin, options.advertisedHost);

  return {
    origin,
    async registerTask({ roleArn, family, credentialsId }) {
      const { partition, accountId } = parseRoleArn(roleArn);
      const taskId = randomUUID().replaceAll('-', '');
      const id = credentialsId ?? randomUUID();
      if (tasks.has(id)) throw new Error(`credentials id ${id} is already registered to a running task`);
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
          AWS_CONTAINER_CREDENTIALS_FULL_URI: `${origin}/v2/credentials/${id}`,
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

/** `listenOnLoopback`, on the address asked for. */
async function listenOn(host: string, port: number, handler: RequestHandler): Promise<LoopbackServer> {
  const server = createServer((request, response) => {
    handler(request, response).catch(() => {
      // A bug: its message may hold details a workload should not see.
      if (!response.headersSent) sendText(response, 500, 'Internal server error');
      else response.destroy();
    });
  });
  const url = await listen(server, host, port);
  return { origin: url, close: () => close(server) };
}

function advertised(origin: string, host: string | undefined): string {
  if (!host) return origin;
  const url = new URL(origin);
  url.hostname = host;
  // `origin` leaves out a scheme's default port: http://169.254.170.2, as the ECS agent's URLs read.
  return url.origin;
}

/** Fixed-length digests, so the comparison is constant-time whatever the caller sends. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
