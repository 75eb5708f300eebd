import type { RequestHandler } from 'express';
import { callerOf } from '../http/request-context.ts';

/** `GET /v1/me`: who the token says the caller is. No AWS call. */
export const getMe: RequestHandler = (_req, res) => {
  const { sub, username, groups, clientId, scope, expiresAt } = callerOf(res);
  res.json({
    sub,
    username,
    groups,
    clientId,
    scope,
    tokenExpiresAt: new Date(expiresAt * 1000).toISOString(),
  });
};
