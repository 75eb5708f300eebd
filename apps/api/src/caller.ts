import type { CognitoAccessTokenPayload } from 'aws-jwt-verify/jwt-model';

/** Who is calling, from a verified Cognito access token. */
export interface Caller {
  sub: string;
  username: string;
  groups: string[];
  clientId: string;
  scope: string;
  expiresAt: number;
}

export function callerFrom(payload: CognitoAccessTokenPayload): Caller {
  return {
    sub: payload.sub,
    username: payload.username,
    groups: payload['cognito:groups'] ?? [],
    clientId: payload.client_id,
    scope: payload.scope ?? '',
    expiresAt: payload.exp,
  };
}
