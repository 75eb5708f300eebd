// The STS endpoint workloads reach through AWS_ENDPOINT_URL_STS. It answers the calls whose
// security the emulator does not check (web-identity federation) and passes the rest through.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { adminClients } from '@keyless/emulator-admin';
import type { IssuedRoleSession, ServiceCredentialIssuer } from '../contracts.ts';
import type { Decision, DecisionLog } from '../decision-log.ts';
import { close, listen } from '../loopback-server.ts';
import { assumeRoleAsCaller, type ChainingCaller } from './assume-role-as-caller.ts';
import { assumeRoleWithSaml } from './assume-role-with-saml.ts';
import { assumeRoleWithWebIdentity } from './assume-role-with-web-identity.ts';
import { createIssuerKeys, type IssuerLocation } from './issuer-keys.ts';
import { proxyToEmulator } from './proxy-to-emulator.ts';
import { queryError, queryResponse, readStsRequest } from './query-protocol.ts';
import type { SessionDurations } from './role-trust.ts';
import { createServiceCredentialIssuer } from './service-credential-issuer.ts';
import { StsError, validationError } from './sts-error.ts';
import type { StsDeps } from './sts-deps.ts';
import { GITHUB_ISSUER } from './web-identity-context.ts';

export interface StsFrontOptions {
  /** The emulator, reached as its administrator for IAM lookups and sessions. */
  emulator: { endpoint: string; region: string };
  decisions: DecisionLog;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Leeway for exp/nbf/iat; 30 s by default. */
  clockToleranceSeconds?: number;
  /** Defaults: AWS's 900 s minimum and 3600 s default. */
  sessionDurations?: Partial<SessionDurations>;
  /** Issuers whose tokens carry GitHub's condition keys; token.actions.githubusercontent.com is always one. */
  githubIssuers?: string[];
  /** Told of every session issued (a permission gate verifies and decides its calls). */
  onSessionIssued?: (session: IssuedRoleSession) => void;
  /**
   * Issuers served somewhere other than their URL's host on this machine: a local Kubernetes API
   * server is the issuer `https://oidc.eks.<region>.amazonaws.com/id/<ID>` and serves its discovery.
   */
  issuerLocations?: Record<string, IssuerLocation>;
}

export interface StsFront {
  /** Give this to the SDK as the STS endpoint (AWS_ENDPOINT_URL_STS). */
  endpoint: string;
  /** AssumeRole for service principals, trust policy checked. */
  issueServiceCredentials: ServiceCredentialIssuer;
  /**
   * AssumeRole signed by a role session (role chaining), for a permission gate that has verified
   * the signature and the caller's own sts:AssumeRole permission: checks the target's trust policy
   * and answers with the AssumeRoleResponse XML, or throws StsError.
   */
  assumeRoleAsCaller(caller: ChainingCaller, params: URLSearchParams, requestId: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * STS bounds a SAML assertion at 100 000 characters (a web identity token at 20 000); percent-encoded
 * in a form body, base64's `+` and `/` take three bytes each, so a full-size assertion needs ~110 KB.
 */
const MAX_BODY_BYTES = 192 * 1024;

/** Web-identity and SAML federation are what the emulator would grant unchecked. */
const DECIDED_HERE = new Set(['AssumeRoleWithWebIdentity', 'AssumeRoleWithSAML']);

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) resolve(undefined);
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendXml(res: ServerResponse, status: number, requestId: string, xml: string): void {
  res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }).end(xml);
}

export async function startStsFront(options: StsFrontOptions): Promise<StsFront> {
  const admin = adminClients(options.emulator);
  const deps: StsDeps = {
    iam: admin.iam,
    sts: admin.sts,
    keys: createIssuerKeys(options.issuerLocations),
    decisions: options.decisions,
    clockToleranceSeconds: options.clockToleranceSeconds ?? 30,
    durations: { minimumSeconds: 900, defaultSeconds: 3600, ...options.sessionDurations },
    githubIssuers: [GITHUB_ISSUER, ...(options.githubIssuers ?? [])],
    onSessionIssued: options.onSessionIssued ?? (() => {}),
  };
  const emulator = new URL(options.emulator.endpoint);

  /** Answers a federation call; refusals other than the web-identity checks are logged here. */
  async function decide(
    actions: string[],
    params: URLSearchParams | undefined,
    requestId: string,
  ): Promise<string> {
    const action = actions.find((name) => DECIDED_HERE.has(name)) as string;
    if (actions.length === 1 && action === 'AssumeRoleWithWebIdentity' && params) {
      return queryResponse(action, await assumeRoleWithWebIdentity(params, deps), requestId);
    }
    if (actions.length === 1 && action === 'AssumeRoleWithSAML' && params) {
      return queryResponse(action, await assumeRoleWithSaml(params, deps), requestId);
    }
    const refusal =
      actions.length > 1
        ? validationError('request', `The request names more than one Action: ${actions.join(', ')}`)
        : validationError(
            'request',
            `The local STS front accepts ${action} only in the awsQuery protocol (Action=${action} form parameters)`,
          );
    deps.decisions.record({
      caller: 'unknown',
      role: params?.get('RoleArn') ?? 'unknown',
      action: `sts:${action}` as Decision['action'],
      decision: 'denied',
      check: refusal.check,
      reason: refusal.message,
    });
    throw refusal;
  }

  const server = createServer(async (req, res) => {
    const requestId = randomUUID();
    try {
      const body = await readBody(req);
      if (!body) {
        sendXml(
          res,
          413,
          requestId,
          queryError('RequestEntityTooLarge', 'Request body too large', requestId),
        );
        return;
      }
      const { actions, params } = readStsRequest(
        req.method ?? 'GET',
        new URL(req.url ?? '/', 'http://sts'),
        req.headers,
        body,
      );
      if (!actions.some((action) => DECIDED_HERE.has(action))) {
        proxyToEmulator(emulator, req, body, res);
        return;
      }
      sendXml(res, 200, requestId, await decide(actions, params, requestId));
    } catch (error) {
      if (error instanceof StsError) {
        sendXml(res, error.status, requestId, queryError(error.code, error.message, requestId));
      } else {
        const message = `The local STS front failed: ${(error as Error).message}`;
        sendXml(res, 500, requestId, queryError('InternalFailure', message, requestId, 'Receiver'));
      }
    }
  });
  const endpoint = await listen(server, options.host ?? '127.0.0.1', options.port ?? 0);
  return {
    endpoint,
    issueServiceCredentials: createServiceCredentialIssuer(deps),
    assumeRoleAsCaller: async (caller, params, requestId) =>
      queryResponse('AssumeRole', await assumeRoleAsCaller(caller, params, deps), requestId),
    async close() {
      await close(server);
      for (const client of Object.values(admin)) client.destroy();
    },
  };
}
