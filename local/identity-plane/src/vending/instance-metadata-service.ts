import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@keyless/logging';
import type { ServiceCredentialIssuer } from '../contracts.ts';
import { awsTimestamp } from './aws-timestamp.ts';
import {
  CredentialCache,
  DEFAULT_REFRESH_MARGIN_SECONDS,
  type CachedCredentials,
} from './credential-cache.ts';
import { listenOnLoopback, sendJson, sendText } from '../loopback-server.ts';
import { parseRoleArn } from './role-arn.ts';
import { logDecision } from './vending-decision.ts';

const EC2_PRINCIPAL = 'ec2.amazonaws.com';

export interface InstanceMetadataServiceOptions {
  issuer: ServiceCredentialIssuer;
  /** The role in the instance profile. */
  roleArn: string;
  logger: Logger;
  /** Default: a random `i-` id. It names the role session, as on EC2. */
  instanceId?: string;
  /** Default 900; EC2 promises new credentials "at least five minutes" before the old ones expire. */
  refreshMarginSeconds?: number;
  durationSeconds?: number;
}

/** What a process on the "instance" needs to find this IMDS. */
export interface InstanceMetadataEnvironment {
  AWS_EC2_METADATA_SERVICE_ENDPOINT: string;
}

export interface InstanceMetadataService {
  readonly endpoint: string;
  readonly instanceId: string;
  readonly environment: InstanceMetadataEnvironment;
  close(): Promise<void>;
}

const TOKEN_PATH = '/latest/api/token';
const CREDENTIALS_PATH = '/latest/meta-data/iam/security-credentials/';
const TTL_HEADER = 'x-aws-ec2-metadata-token-ttl-seconds';
const TOKEN_HEADER = 'x-aws-ec2-metadata-token';
const MAX_TOKEN_TTL_SECONDS = 21_600;

/**
 * EC2's instance metadata service as an instance with `HttpTokens=required` has it: session tokens
 * from `PUT /latest/api/token`, and the instance profile role's credentials only for requests that
 * carry one. A plain IMDSv1 GET gets 401.
 */
export async function startInstanceMetadataService(
  options: InstanceMetadataServiceOptions,
): Promise<InstanceMetadataService> {
  const { issuer, roleArn, logger } = options;
  const { roleName } = parseRoleArn(roleArn);
  const instanceId = options.instanceId ?? `i-${randomBytes(9).toString('hex').slice(0, 17)}`;
  const cache = new CredentialCache(options.refreshMarginSeconds ?? DEFAULT_REFRESH_MARGIN_SECONDS);
  /** Session token → when it expires (ms). */
  const sessions = new Map<string, number>();

  function issueToken(request: IncomingMessage, response: ServerResponse): void {
    // IMDS refuses token requests that went through a proxy: an SSRF through a forwarding proxy
    // cannot obtain a token.
    if (request.headers['x-forwarded-for'] !== undefined) {
      sendText(response, 403, 'Forbidden');
      return;
    }
    const ttlHeader = request.headers[TTL_HEADER];
    const ttl = typeof ttlHeader === 'string' && /^\d+$/.test(ttlHeader) ? Number(ttlHeader) : NaN;
    if (!(ttl >= 1 && ttl <= MAX_TOKEN_TTL_SECONDS)) {
      sendText(response, 400, 'Bad Request');
      return;
    }
    const now = Date.now();
    for (const [token, expires] of sessions) if (expires <= now) sessions.delete(token);
    const token = randomBytes(42).toString('base64url');
    sessions.set(token, now + ttl * 1000);
    sendText(response, 200, token, { [TTL_HEADER]: String(ttl) });
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (request.method === 'PUT' && path === TOKEN_PATH) {
      issueToken(request, response);
      return;
    }
    if (request.method !== 'GET') {
      sendText(response, 405, 'Method Not Allowed');
      return;
    }
    const token = request.headers[TOKEN_HEADER];
    const expires = typeof token === 'string' ? sessions.get(token) : undefined;
    if (expires === undefined || expires <= Date.now()) {
      const reason =
        token === undefined
          ? 'IMDSv1 request (no session token); HttpTokens=required'
          : 'unknown or expired session token';
      logDecision(logger, {
        mechanism: 'ec2-instance-metadata',
        caller: instanceId,
        role: roleArn,
        allowed: false,
        reason,
      });
      sendText(response, 401, 'Unauthorized');
      return;
    }
    if (path === CREDENTIALS_PATH || path === CREDENTIALS_PATH.slice(0, -1)) {
      sendText(response, 200, roleName);
      return;
    }
    if (path !== CREDENTIALS_PATH + roleName) {
      sendText(response, 404, 'Not Found');
      return;
    }
    let issued: CachedCredentials;
    try {
      issued = await cache.get(roleArn, () =>
        issuer({
          service: EC2_PRINCIPAL,
          roleArn,
          sessionName: instanceId,
          durationSeconds: options.durationSeconds,
        }),
      );
    } catch (error) {
      const message = (error as Error).message;
      logDecision(logger, {
        mechanism: 'ec2-instance-metadata',
        caller: instanceId,
        role: roleArn,
        allowed: false,
        reason: `issuer refused: ${message}`,
      });
      // EC2 reports a role it cannot assume inside the credentials document, not with a status.
      sendJson(response, 200, {
        Code: 'AssumeRoleUnauthorizedAccess',
        Message: message,
        LastUpdated: awsTimestamp(new Date()),
      });
      return;
    }
    logDecision(logger, {
      mechanism: 'ec2-instance-metadata',
      caller: instanceId,
      role: roleArn,
      allowed: true,
      reason: 'valid IMDSv2 session token',
    });
    sendJson(response, 200, {
      Code: 'Success',
      LastUpdated: awsTimestamp(issued.issuedAt),
      Type: 'AWS-HMAC',
      AccessKeyId: issued.credentials.accessKeyId,
      SecretAccessKey: issued.credentials.secretAccessKey,
      Token: issued.credentials.sessionToken,
      Expiration: awsTimestamp(issued.credentials.expiration),
    });
  }

  const server = await listenOnLoopback(handle);
  return {
    endpoint: server.origin,
    instanceId,
    environment: { AWS_EC2_METADATA_SERVICE_ENDPOINT: server.origin },
    close: () => server.close(),
  };
}
