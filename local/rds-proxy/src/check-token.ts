// Whether a password is a token that lets this caller in as this database user, in the order a
// reader would check it: the shape, the endpoint it was signed for, the user it names, then the
// gate's decision (the signature recomputed with the secret the caller was issued, the clock and
// the expiry, the session, and `rds-db:connect` on the dbuser ARN against the caller's policies).
import { decideCall, type CallDecision, type DecideDeps, type IssuedSession } from '@keyless/permission-gate';
import { parseIamToken, type IamToken } from './iam-token.ts';

/** RDS tokens live fifteen minutes whatever X-Amz-Expires says; the signer always asks for 900 s. */
export const maxTokenLifetimeSeconds = 900;

export type TokenCheck =
  | { ok: true; session: IssuedSession; token: IamToken; decision: Extract<CallDecision, { allowed: true }> }
  | {
      ok: false;
      /** Which check refused: the trail's reason and the test's handle. */
      check: 'not-a-token' | 'endpoint' | 'db-user' | 'lifetime' | 'authenticate' | 'resolve' | 'authorize';
      /** The AWS-shaped reason (code and message) the client is told. */
      code: string;
      message: string;
      token?: IamToken;
      decision?: CallDecision;
    };

export interface TokenCheckContext {
  /** The proxy's endpoint as clients sign it: `host:port`. */
  endpoint: string;
  /** The database user of the startup message. */
  startupUser: string;
  sourceIp: string;
  tls: { version: string; cipherSuite: string };
}

export async function checkToken(
  password: string,
  context: TokenCheckContext,
  deps: DecideDeps,
): Promise<TokenCheck> {
  const token = parseIamToken(password, context);
  if (!token) {
    return {
      ok: false,
      check: 'not-a-token',
      code: 'InvalidToken',
      message:
        'The password is not an IAM authentication token (host:port/?Action=connect&DBUser=…&X-Amz-…).',
    };
  }
  if (token.endpoint.toLowerCase() !== context.endpoint.toLowerCase()) {
    return {
      ok: false,
      check: 'endpoint',
      code: 'InvalidToken',
      message: `The token was signed for ${token.endpoint}, not for this proxy's endpoint ${context.endpoint}.`,
      token,
    };
  }
  if (token.dbUser !== context.startupUser) {
    return {
      ok: false,
      check: 'db-user',
      code: 'InvalidToken',
      message: `The token is for DBUser ${token.dbUser ?? '(none)'}, and the connection asks for user ${context.startupUser}.`,
      token,
    };
  }
  const expires = Number(new URLSearchParams(token.request.query).get('X-Amz-Expires'));
  if (!Number.isInteger(expires) || expires > maxTokenLifetimeSeconds) {
    return {
      ok: false,
      check: 'lifetime',
      code: 'InvalidToken',
      message: `X-Amz-Expires must be at most ${maxTokenLifetimeSeconds} seconds: an IAM database token lives fifteen minutes.`,
      token,
    };
  }
  const decision = await decideCall(token.request, deps);
  if (!decision.allowed) {
    return {
      ok: false,
      check: decision.stage,
      code: decision.error.code,
      message: decision.error.message,
      token,
      decision,
    };
  }
  return { ok: true, session: decision.session, token, decision };
}
