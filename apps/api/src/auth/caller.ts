import type { CognitoAccessTokenPayload } from 'aws-jwt-verify/jwt-model';

/** Who is calling, from a verified Cognito access token. Frozen: one caller may serve many requests. */
export interface Caller {
  readonly sub: string;
  readonly username: string;
  readonly groups: readonly string[];
  readonly clientId: string;
  readonly scope: string;
  readonly expiresAt: number;
}

export function callerFrom(payload: CognitoAccessTokenPayload): Caller {
  return Object.freeze({
    sub: payload.sub,
    username: payload.username,
    groups: Object.freeze([...(payload['cognito:groups'] ?? [])]),
    clientId: payload.client_id,
    scope: payload.scope ?? '',
    expiresAt: payload.exp,
  });
}
