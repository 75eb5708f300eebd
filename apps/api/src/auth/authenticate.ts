import type { RequestHandler } from 'express';
import { authFailureReason, type AuthFailureReason } from './auth-failure-reason.ts';
import { HttpProblem } from '../http/problem-details.ts';
import { contextOf } from '../http/request-context.ts';
import type { AccessTokenVerifier } from './verify-access-token.ts';

// RFC 6750 b64token; anything else in an Authorization header is malformed, not "missing".
const bearerPattern = /^Bearer +([A-Za-z0-9._~+/-]+=*)$/i;

/**
 * Requires a valid Cognito access token (`Authorization: Bearer <token>`) and puts the caller on
 * the request context. Failures are 401 with a `WWW-Authenticate` challenge (RFC 6750), or 503 when
 * the pool's keys cannot be fetched, and are reported by reason.
 */
export function authenticate(
  verifier: AccessTokenVerifier,
  onFailure: (reason: AuthFailureReason) => void,
): RequestHandler {
  return async (req, res, next) => {
    const header = req.headers.authorization;
    const token = header === undefined ? undefined : bearerPattern.exec(header)?.[1];
    if (token === undefined) {
      const reason = header === undefined ? 'missing_token' : 'malformed_token';
      onFailure(reason);
      throw new HttpProblem(
        401,
        reason === 'missing_token' ? 'missing bearer token' : 'invalid access token',
        {
          headers: { 'WWW-Authenticate': challenge(reason) },
        },
      );
    }
    try {
      contextOf(res).caller = await verifier.verify(token);
    } catch (error) {
      const reason = authFailureReason(error);
      onFailure(reason);
      if (reason === 'jwks_unavailable') {
        throw new HttpProblem(503, 'token verification is temporarily unavailable', {
          headers: { 'Retry-After': '5' },
        });
      }
      throw new HttpProblem(401, reason === 'expired' ? 'access token expired' : 'invalid access token', {
        headers: { 'WWW-Authenticate': challenge(reason) },
      });
    }
    // Responses to authenticated calls are about one user: no shared cache may keep them.
    res.setHeader('Cache-Control', 'no-store');
    next();
  };
}

function challenge(reason: AuthFailureReason): string {
  return reason === 'missing_token'
    ? 'Bearer realm="keyless"'
    : 'Bearer realm="keyless", error="invalid_token"';
}

/** 403 unless the caller is in `group` (the `cognito:groups` claim of the verified token). */
export function requireGroup(group: string): RequestHandler {
  return (_req, res, next) => {
    if (!contextOf(res).caller?.groups.includes(group))
      throw new HttpProblem(403, `requires the ${group} group`);
    next();
  };
}
