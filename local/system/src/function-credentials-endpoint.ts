// docker compose runs the local Lambda runtime in a container of its own (`upload-processor`), and
// the permission gate, in this one, accepts only credentials this plane's STS front issued. So this
// container assumes each function's execution role as the Lambda service would
// (lambda.amazonaws.com, the function's ARN as aws:SourceArn, its name as the session name) and
// hands the credentials to that runtime alone: on request with a token that is new at every start,
// written to a file on a volume only the two containers mount (as the ECS tasks' tokens are).
// `npm start` needs none of this: its runtime calls the STS front in-process.
//
//   GET /functions/<function name>/credentials    Authorization: <the function's token>
//   200 { RoleArn, AccessKeyId, SecretAccessKey, Token, Expiration }
//
// Credentials and tokens are never logged: a decision line names who asked, the role and why.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { ServiceCredentialIssuer } from '@keyless/identity-plane';
import type { Logger } from '@keyless/logging';
import { writeAtomically, type ComposeFunction } from './compose-tasks.ts';

const LAMBDA_PRINCIPAL = 'lambda.amazonaws.com';
const CREDENTIALS_PATH = /^\/functions\/([^/]+)\/credentials$/;

export interface FunctionCredentialsEndpointOptions {
  /** The STS front's AssumeRole for service principals: checks the role trusts Lambda. */
  issuer: ServiceCredentialIssuer;
  functions: readonly ComposeFunction[];
  /** The bootstrapped roles by name: each function's execution role is looked up here. */
  roles: Readonly<Record<string, string>>;
  region: string;
  /** Where each function's token is written: `<directory>/<function name>/token`. */
  directory: string;
  logger: Logger;
  /** Default 127.0.0.1; 0.0.0.0 in a container. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
}

export interface FunctionCredentialsEndpoint {
  /** Where it listens, as bound (`http://127.0.0.1:<port>`). */
  readonly origin: string;
  /** Stops answering and removes the token files. */
  close(): Promise<void>;
}

interface RegisteredFunction {
  functionName: string;
  functionArn: string;
  roleArn: string;
  accountId: string;
  tokenDigest: Buffer;
  tokenFile: string;
}

/**
 * Registers each function with its execution role, assumed once here as Lambda's CreateFunction
 * checks that it can (a role that does not trust lambda.amazonaws.com fails the start), writes
 * its token, and serves its credentials to whoever presents that token.
 */
export async function startFunctionCredentialsEndpoint(
  options: FunctionCredentialsEndpointOptions,
): Promise<FunctionCredentialsEndpoint> {
  const { issuer, logger } = options;
  const functions = new Map<string, RegisteredFunction>();
  const removeTokens = async () => {
    for (const fn of functions.values()) await rm(fn.tokenFile, { force: true });
  };

  const issue = (fn: RegisteredFunction) =>
    issuer({
      service: LAMBDA_PRINCIPAL,
      roleArn: fn.roleArn,
      sessionName: fn.functionName,
      sourceAccount: fn.accountId,
      sourceArn: fn.functionArn,
    });

  const decide = (caller: string, role: string | undefined, allowed: boolean, reason: string) => {
    const line = {
      event: 'vending.decision',
      mechanism: 'lambda-environment',
      caller,
      role,
      decision: allowed ? 'allowed' : 'denied',
      reason,
    };
    const summary = `${line.decision} lambda-environment credentials${role ? ` for ${role}` : ''} to ${caller}`;
    if (allowed) logger.info(line, summary);
    else logger.warn(line, summary);
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const caller = request.socket.remoteAddress ?? 'unknown';
    const match = CREDENTIALS_PATH.exec(new URL(request.url ?? '/', 'http://x').pathname);
    if (request.method !== 'GET' || !match) {
      sendJson(response, 404, { code: 'NotFound', message: 'Not found' });
      return;
    }
    const fn = functions.get(match[1] ?? '');
    if (!fn) {
      decide(caller, undefined, false, `no function ${match[1]} is registered (KEYLESS_COMPOSE_FUNCTIONS)`);
      sendJson(response, 404, { code: 'FunctionNotFound', message: 'No such function' });
      return;
    }
    const token = request.headers.authorization;
    if (!token) {
      decide(`${caller} for ${fn.functionArn}`, fn.roleArn, false, 'no Authorization header');
      sendJson(response, 401, { code: 'NoAuthorizationToken', message: 'Authorization header required' });
      return;
    }
    if (!timingSafeEqual(digest(token), fn.tokenDigest)) {
      decide(
        `${caller} for ${fn.functionArn}`,
        fn.roleArn,
        false,
        'Authorization header is not this function’s token',
      );
      sendJson(response, 403, {
        code: 'InvalidAuthorizationToken',
        message: 'Authorization token does not match',
      });
      return;
    }
    let credentials;
    try {
      credentials = await issue(fn);
    } catch (error) {
      decide(fn.functionArn, fn.roleArn, false, `issuer refused: ${(error as Error).message}`);
      sendJson(response, 500, { code: 'InternalServerError', message: (error as Error).message });
      return;
    }
    decide(fn.functionArn, fn.roleArn, true, 'function token matched, execution role assumed');
    sendJson(response, 200, {
      RoleArn: fn.roleArn,
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      Token: credentials.sessionToken,
      Expiration: credentials.expiration.toISOString(),
    });
  }

  try {
    for (const { functionName, role } of options.functions) {
      const roleArn = options.roles[role];
      if (!roleArn) throw new Error(`compose function ${functionName}: no role ${role} was bootstrapped`);
      const [, partition, accountId] = /^arn:([\w-]+):iam::(\d{12}):role\//.exec(roleArn) ?? [];
      const token = randomBytes(32).toString('base64url');
      const fn: RegisteredFunction = {
        functionName,
        functionArn: `arn:${partition}:lambda:${options.region}:${accountId}:function:${functionName}`,
        roleArn,
        accountId: accountId ?? '',
        tokenDigest: digest(token),
        tokenFile: join(options.directory, functionName, 'token'),
      };
      try {
        await issue(fn);
      } catch (error) {
        decide(fn.functionArn, roleArn, false, `function cannot be created: ${(error as Error).message}`);
        throw new Error(
          `The role defined for the function ${functionName} cannot be assumed by Lambda: ${(error as Error).message}`,
          { cause: error },
        );
      }
      functions.set(functionName, fn);
      await writeAtomically(fn.tokenFile, token);
    }
  } catch (error) {
    await removeTokens();
    throw error;
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      // A bug: its message may hold details a caller should not see.
      if (!response.headersSent)
        sendJson(response, 500, { code: 'InternalServerError', message: 'Internal error' });
      else response.destroy();
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
    });
  } catch (error) {
    await removeTokens();
    throw error;
  }
  const { address, port } = server.address() as AddressInfo;
  return {
    origin: `http://${address}:${port}`,
    async close() {
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      });
      await removeTokens();
    },
  };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** Fixed-length digests, so the comparison is constant-time whatever the caller sends. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
