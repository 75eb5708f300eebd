// The registry's token endpoint (the `realm` of its WWW-Authenticate challenge), as Docker's token
// protocol defines it: `GET /token?service=…&scope=…` with HTTP Basic `AWS:<password>`. The
// password is opened (it must be one this run's GetAuthorizationToken sealed, unaltered and
// unexpired), and every requested scope is decided as ECR's actions for the caller it names. A
// token is issued only when everything asked for is allowed; otherwise the client gets ECR's
// `denied` with AWS's message, naming the action and the caller. Each ECR action decided is one
// record in the trail.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PolicyDocument } from '@keyless/iam-policy';
import type { CloudTrailRecord, RolePolicySource } from '@keyless/permission-gate';
import { ecrTrailRecord } from './ecr-trail-record.ts';
import type { LoginIdentity, PasswordSealer } from './login-password.ts';
import type { RegistryAccess, TokenSigner } from './registry-token-signer.ts';
import { decideScope, parseScope, type EcrDecision } from './scope-decisions.ts';

/** How long a registry bearer token lasts: clients ask again with the same password. */
const BEARER_TOKEN_MS = 5 * 60 * 1000;

// ECR's messages for a login that is not (or no longer) good.
export const EXPIRED_PASSWORD_MESSAGE = 'Your authorization token has expired. Reauthenticate and try again.';
export const INVALID_PASSWORD_MESSAGE =
  'Your authorization token is not valid: it was not issued by this registry (GetAuthorizationToken) or it was altered.';
export const NO_CREDENTIALS_MESSAGE = 'no basic auth credentials';

export interface TokenEndpointOptions {
  sealer: PasswordSealer;
  signer: TokenSigner;
  roles: RolePolicySource;
  /** The registry's `auth.token.service` (its host:port) and `issuer`. */
  service: string;
  issuer: string;
  region: string;
  /** The repository policy for a repository ARN (the IAM model's), if it has one. */
  repositoryPolicy(repositoryArn: string): PolicyDocument | undefined;
  trail?: { append(record: CloudTrailRecord): void };
  now?: () => Date;
}

export function tokenEndpoint(options: TokenEndpointOptions) {
  const now = options.now ?? (() => new Date());

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'https://registry.invalid');
    const basic = basicCredentials(req.headers.authorization);
    if (!basic) return registryError(res, 401, 'UNAUTHORIZED', NO_CREDENTIALS_MESSAGE);
    const opened = basic.user === 'AWS' ? options.sealer.unseal(basic.password, now()) : undefined;
    if (!opened?.ok) {
      const message = opened?.reason === 'expired' ? EXPIRED_PASSWORD_MESSAGE : INVALID_PASSWORD_MESSAGE;
      return registryError(res, 401, 'UNAUTHORIZED', message);
    }
    const { identity } = opened;
    if (url.searchParams.get('service') !== options.service) {
      return registryError(res, 400, 'UNSUPPORTED', `This token endpoint serves ${options.service} only`);
    }
    const policies = await options.roles.get(identity.roleName);
    if (!policies) {
      // As with the gate: a role deleted since the login takes its logins with it.
      return registryError(res, 401, 'UNAUTHORIZED', INVALID_PASSWORD_MESSAGE);
    }
    const access: RegistryAccess[] = [];
    for (const requested of url.searchParams.getAll('scope').flatMap((scope) => scope.split(' '))) {
      const scope = parseScope(requested);
      if (!scope) {
        return registryError(
          res,
          403,
          'DENIED',
          `The local registry does not grant the scope '${requested}'`,
        );
      }
      const repositoryArn = `arn:aws:ecr:${options.region}:${identity.accountId}:repository/${scope.repository}`;
      const repositoryPolicy = options.repositoryPolicy(repositoryArn);
      const decisions = decideScope({
        identity,
        policies,
        scope,
        repositoryArn,
        ...(repositoryPolicy && { repositoryPolicy }),
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        now: now(),
      });
      for (const decision of decisions) record(options, identity, scope.repository, decision, req);
      const refused = decisions.find((decision) => !decision.allowed);
      if (refused) return registryError(res, 403, 'DENIED', refused.message ?? 'denied');
      access.push({ type: 'repository', name: scope.repository, actions: scope.actions });
    }
    const passwordExpires = Date.parse(identity.expiresAt);
    const expiresAt = new Date(Math.min(now().getTime() + BEARER_TOKEN_MS, passwordExpires));
    const token = options.signer.sign({
      issuer: options.issuer,
      subject: identity.sessionArn,
      audience: options.service,
      access,
      expiresAt,
      // For the front's own records (a refused tag): who, without the password's expiry.
      claims: { 'keyless:caller': { ...identity, expiresAt: undefined } },
    });
    const body = {
      token,
      access_token: token,
      expires_in: Math.floor((expiresAt.getTime() - now().getTime()) / 1000),
      issued_at: now().toISOString(),
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
}

function record(
  options: TokenEndpointOptions,
  identity: LoginIdentity,
  repositoryName: string,
  decision: EcrDecision,
  req: IncomingMessage,
): void {
  options.trail?.append(
    ecrTrailRecord({
      identity,
      action: decision.action,
      repositoryName,
      repositoryArn: decision.resource,
      outcome: decision.allowed
        ? { result: 'allowed' }
        : { result: 'denied', errorCode: 'AccessDeniedException', errorMessage: decision.message ?? '' },
      ...(!decision.allowed && { reason: `authorize: ${decision.message ?? ''}` }),
      region: options.region,
      req,
    }),
  );
}

function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The registry API's error shape (`{"errors":[{code,message}]}`), which every client prints. */
export function registryError(res: ServerResponse, status: number, code: string, message: string): void {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (status === 401) headers['www-authenticate'] = 'Basic realm="keyless local ECR"';
  res.writeHead(status, headers).end(JSON.stringify({ errors: [{ code, message }] }));
}
