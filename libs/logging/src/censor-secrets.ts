import { stdSerializers } from 'pino';

export const REDACTED = '[REDACTED]';

/**
 * Keys whose values are credentials wherever they appear, matched without regard to case: the
 * secret-bearing HTTP headers, and the names app code (camelCase), AWS APIs (PascalCase, e.g.
 * Secrets Manager's `SecretString`, STS's `SessionToken`) and OAuth (snake_case) give them.
 */
export const secretKeys: readonly string[] = [
  'authorization',
  'cookie',
  'set-cookie',
  'x-amz-security-token',
  'token',
  'accessToken',
  'access_token',
  'idToken',
  'id_token',
  'refreshToken',
  'refresh_token',
  'password',
  'secret',
  'secretString',
  'secretAccessKey',
  'sessionToken',
  'clientSecret',
  'client_secret',
];

/** Objects nested deeper than this are replaced whole: a bound on the walk, and cycles end here. */
export const MAX_DEPTH = 10;

const lowercaseSecretKeys = new Set(secretKeys.map((key) => key.toLowerCase()));
const isSecretKey = (key: string) => lowercaseSecretKeys.has(key.toLowerCase());

/**
 * `value` with every secret key's value replaced by `REDACTED`, at any depth up to `MAX_DEPTH`,
 * in objects, arrays and errors (serialized as pino does). Copy on write: what holds no secret is
 * returned as it is, so a typical log line costs one pass over its keys and no allocation.
 */
export function censorSecrets(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) return REDACTED;
  if (value instanceof Error) return censorSecrets({ ...stdSerializers.err(value) }, depth);
  if (Array.isArray(value)) return censorArray(value, depth);
  // Dates, Buffers and the like are written through their own toJSON.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  return censorObject(value as Record<string, unknown>, depth);
}

function censorObject(object: Record<string, unknown>, depth: number): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(object)) {
    const value = object[key];
    const censored = isSecretKey(key) && value !== undefined ? REDACTED : censorSecrets(value, depth + 1);
    if (censored !== value) {
      copy ??= { ...object };
      copy[key] = censored;
    }
  }
  return copy ?? object;
}

function censorArray(array: unknown[], depth: number): unknown[] {
  let copy: unknown[] | undefined;
  array.forEach((value, index) => {
    const censored = censorSecrets(value, depth + 1);
    if (censored !== value) {
      copy ??= [...array];
      copy[index] = censored;
    }
  });
  return copy ?? array;
}
