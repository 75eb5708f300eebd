// The trail is a file anyone on the machine can read and a learner will paste into issues, so
// whatever the caller hands in is scrubbed once more here: a caller that forgot to redact must not
// be able to write a secret, a message body or an item's values into it.

/** Values above this size are replaced by their size, at every depth. */
export const maxValueBytes = 1024;

/** What AWS writes in place of a value it keeps out of CloudTrail. */
export const hidden = 'HIDDEN_DUE_TO_SECURITY_REASONS';

// Compared with the key lower-cased and stripped of everything but letters and digits, so
// `SecretString`, `secretString` and `secret_string` are all caught.
const droppedKeys = new Set([
  'secretstring',
  'secretbinary',
  'messagebody',
  'body',
  'password',
  'newpassword',
  'previouspassword',
  'temporarypassword',
  'webidentitytoken',
  'samlassertion',
  'secretaccesskey',
  'sessiontoken',
  'clientsecret',
]);

// Attribute names stay visible (they say which attributes a call touched), their values do not.
const valuesHiddenKeys = new Set(['item', 'expressionattributevalues']);

const normalized = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '');

export function isDroppedKey(key: string): boolean {
  const name = normalized(key);
  return droppedKeys.has(name) || name.endsWith('password');
}

function byteSize(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  return Buffer.byteLength(JSON.stringify(value) ?? '');
}

const omitted = (bytes: number) => ({ omitted: `${bytes} bytes` });

function redactValue(value: unknown): unknown {
  if (value instanceof Uint8Array) return omitted(value.byteLength);
  if (value instanceof Date) return value.toISOString();
  let result: unknown;
  if (Array.isArray(value)) result = value.map(redactValue);
  else if (value !== null && typeof value === 'object')
    result = redactObject(value as Record<string, unknown>);
  else if (typeof value === 'bigint') result = value.toString();
  else if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  else result = value;
  const bytes = byteSize(result);
  return bytes > maxValueBytes ? omitted(bytes) : result;
}

function redactObject(object: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    if (value === undefined || isDroppedKey(key)) continue;
    if (valuesHiddenKeys.has(normalized(key)) && value !== null && typeof value === 'object') {
      result[key] = Object.fromEntries(Object.keys(value).map((name) => [name, hidden]));
      continue;
    }
    const redacted = redactValue(value);
    if (redacted !== undefined) result[key] = redacted;
  }
  return result;
}

/**
 * `requestParameters` as the trail may hold them: secret-bearing keys dropped at any depth, item
 * values hidden, any value over 1 KiB (after its own redaction) replaced by `{ omitted: "<n> bytes" }`.
 */
export function redactParameters(
  parameters: Readonly<Record<string, unknown>> | null | undefined,
): Record<string, unknown> | null {
  if (parameters === null || parameters === undefined) return null;
  return redactObject(parameters);
}

// The SDK's responses are PascalCase, CloudTrail's records camelCase; accept either.
const camel = (key: string) => key.charAt(0).toLowerCase() + key.slice(1);

function pick(object: unknown, keys: readonly string[]): Record<string, unknown> | undefined {
  if (object === null || typeof object !== 'object') return undefined;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    const name = camel(key);
    if (!keys.includes(name) || value === undefined) continue;
    result[name] = value instanceof Date ? value.toISOString() : value;
  }
  return result;
}

// What AssumeRoleWithWebIdentity and AssumeRoleWithSAML add, none of it secret.
const stsResponseFields = new Set([
  'subjectFromWebIdentityToken',
  'audience',
  'provider',
  'packedPolicySize',
  'sourceIdentity',
  'subject',
  'subjectType',
  'issuer',
  'nameQualifier',
]);

/**
 * AssumeRole* responses: the assumed-role user and the credentials' key id and expiry, never the
 * secret key or the session token (which would let a reader of the trail act as the session).
 */
export function stsResponseElements(response: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(response)) {
    const name = camel(key);
    if (name === 'credentials') result.credentials = pick(value, ['accessKeyId', 'expiration']);
    else if (name === 'assumedRoleUser') result.assumedRoleUser = pick(value, ['assumedRoleId', 'arn']);
    else if (stsResponseFields.has(name)) result[name] = redactValue(value);
  }
  return result;
}
