// The parameters every AssumeRole* request shares, checked as STS checks them.
import { validationError } from './sts-error.ts';

const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

export function requiredParam(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (!value)
    throw validationError(
      'request',
      `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`,
    );
  return value;
}

export function requireSessionName(params: URLSearchParams): string {
  const sessionName = requiredParam(params, 'RoleSessionName');
  if (!SESSION_NAME.test(sessionName)) {
    throw validationError(
      'request',
      `RoleSessionName ${JSON.stringify(sessionName)} must be 2-64 characters of [\\w+=,.@-]`,
    );
  }
  return sessionName;
}

export function parseDuration(params: URLSearchParams): number | undefined {
  const raw = params.get('DurationSeconds');
  if (raw === null) return undefined;
  if (!/^\d+$/.test(raw))
    throw validationError('request', `DurationSeconds ${JSON.stringify(raw)} is not an integer`);
  return Number(raw);
}
