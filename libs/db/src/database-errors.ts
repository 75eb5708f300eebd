/** The SQLSTATE PostgreSQL sent with an error, if the error came from the server. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * 28P01 invalid_password, 28000 invalid_authorization_specification: the credentials were refused,
 * as after a rotation changed the password under a pool that still holds the old one.
 */
export function isAuthenticationFailure(error: unknown): boolean {
  const state = sqlState(error);
  return state === '28P01' || state === '28000';
}

/**
 * An error the server reported about a statement, on a connection that is still fine: any SQLSTATE
 * except class 08 (connection exception) and 57 (operator intervention: shutdown, terminated).
 */
export function isStatementError(error: unknown): boolean {
  const state = sqlState(error);
  return state !== undefined && !state.startsWith('08') && !state.startsWith('57');
}

/**
 * Class 22 (data exception) and 23 (integrity constraint violation): the statement's data is at
 * fault, so retrying the same data fails the same way. Anything else (connection lost, server
 * shutting down, credentials refused, timeouts) says nothing about the data.
 */
export function isDataError(error: unknown): boolean {
  const state = sqlState(error);
  return state !== undefined && (state.startsWith('22') || state.startsWith('23'));
}

/**
 * pg-pool attaches the whole connection object to errors of idle connections; logged, it is
 * kilobytes of internals. The error is returned without it.
 */
export function withoutClient<E>(error: E): E {
  if (error !== null && typeof error === 'object' && 'client' in error)
    delete (error as { client?: unknown }).client;
  return error;
}
