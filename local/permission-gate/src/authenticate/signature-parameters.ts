// The SigV4 elements of a request, from its Authorization header or its presigned query string.
import type { AwsError, GateRequest } from '../gate-request.ts';
import { authenticationErrors } from './authentication-errors.ts';
import type { AuthType } from './authentication-result.ts';
import type { QueryParameter } from './canonical-request.ts';

export const sigV4Algorithm = 'AWS4-HMAC-SHA256';

/** S3's limit (and SigV4's) on a presigned URL's lifetime: seven days. */
export const maxPresignedExpirySeconds = 604_800;

export interface SignatureParameters {
  authType: AuthType;
  accessKeyId: string;
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  /** The signing time as sent: X-Amz-Date (header or query); undefined when only Date is there. */
  amzDate?: string;
  securityToken?: string;
  /** X-Amz-Expires of a presigned URL, in seconds. */
  expiresSeconds?: number;
}

export type ParsedSignature =
  | { ok: true; parameters: SignatureParameters }
  | { ok: false; missing: true }
  | { ok: false; missing: false; service?: string; error: (fallbackService: string) => AwsError };

interface Credential {
  accessKeyId: string;
  scopeDate: string;
  region: string;
  service: string;
}

function parseCredential(value: string): Credential | undefined {
  const parts = value.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') return undefined;
  const [accessKeyId, scopeDate, region, service] = parts as [string, string, string, string];
  if (accessKeyId === '' || !/^\d{8}$/.test(scopeDate) || region === '' || service === '') return undefined;
  return { accessKeyId, scopeDate, region, service };
}

/** SignedHeaders must be lower case and sorted, as every SigV4 signer writes them. */
function parseSignedHeaders(value: string): string[] | undefined {
  const names = value.split(';');
  const valid = names.every(
    (name, index) =>
      /^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(name) && (index === 0 || (names[index - 1] ?? '') < name),
  );
  return valid ? names : undefined;
}

const malformed = (
  s3Detail: string,
  detail: string,
  authType: 'header' | 'query',
  service?: string,
): ParsedSignature => ({
  ok: false,
  missing: false,
  ...(service === undefined ? {} : { service }),
  error: (fallback) => authenticationErrors.malformed(service ?? fallback, authType, s3Detail, detail),
});

function fromAuthorizationHeader(
  header: string,
  token: string | undefined,
  amzDate: string | undefined,
): ParsedSignature {
  const space = header.indexOf(' ');
  const algorithm = space === -1 ? header : header.slice(0, space);
  if (algorithm !== sigV4Algorithm) {
    return {
      ok: false,
      missing: false,
      error: (fallback) => authenticationErrors.unsupportedAlgorithm(fallback, algorithm),
    };
  }
  const fields = new Map<string, string>();
  for (const field of header.slice(space + 1).split(',')) {
    const equals = field.indexOf('=');
    if (equals !== -1) fields.set(field.slice(0, equals).trim(), field.slice(equals + 1).trim());
  }
  const credentialField = fields.get('Credential');
  const credential = credentialField === undefined ? undefined : parseCredential(credentialField);
  const service = credential?.service;
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((name) => !fields.has(name));
  if (missing.length > 0) {
    return malformed(
      `missing ${missing.join(', ')}`,
      missing.map((name) => `Authorization header requires '${name}' parameter.`).join(' ') +
        ` Authorization=${algorithm}`,
      'header',
      service,
    );
  }
  if (!credential) {
    return malformed(
      `the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`,
      "Credential should be scoped to a valid region, service and terminated by 'aws4_request'.",
      'header',
    );
  }
  const signedHeaders = parseSignedHeaders(fields.get('SignedHeaders') ?? '');
  const signature = fields.get('Signature') ?? '';
  if (!signedHeaders || !/^[0-9a-f]{64}$/i.test(signature)) {
    return malformed(
      'the SignedHeaders or Signature is mal-formed.',
      'Authorization header is malformed.',
      'header',
      service,
    );
  }
  return {
    ok: true,
    parameters: {
      authType: 'REST-HEADER',
      ...credential,
      signedHeaders,
      signature,
      ...(amzDate === undefined ? {} : { amzDate }),
      ...(token === undefined ? {} : { securityToken: token }),
    },
  };
}

const presignedParameters = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Signature',
  'X-Amz-Date',
  'X-Amz-SignedHeaders',
  'X-Amz-Expires',
] as const;

function fromQuery(query: readonly QueryParameter[]): ParsedSignature {
  const value = (name: string) => query.find((parameter) => parameter.name === name)?.value;
  const credential = parseCredential(value('X-Amz-Credential') ?? '');
  const service = credential?.service;
  const algorithm = value('X-Amz-Algorithm');
  if (algorithm !== undefined && algorithm !== sigV4Algorithm) {
    return malformed(
      `X-Amz-Algorithm only supports "${sigV4Algorithm}"`,
      `Unsupported AWS 'algorithm': '${algorithm}'`,
      'query',
      service,
    );
  }
  if (presignedParameters.some((name) => value(name) === undefined)) {
    const required =
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.';
    return malformed(required, required, 'query', service);
  }
  if (!credential) {
    return malformed(
      'Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
      "Credential should be scoped to a valid region, service and terminated by 'aws4_request'.",
      'query',
    );
  }
  const expires = value('X-Amz-Expires') ?? '';
  const signedHeaders = parseSignedHeaders(value('X-Amz-SignedHeaders') ?? '');
  const signature = value('X-Amz-Signature') ?? '';
  if (!/^\d+$/.test(expires)) {
    return malformed(
      'X-Amz-Expires should be a number',
      'X-Amz-Expires should be a number',
      'query',
      service,
    );
  }
  if (!signedHeaders || !/^[0-9a-f]{64}$/i.test(signature)) {
    return malformed(
      'the SignedHeaders or Signature is mal-formed.',
      'Query-string authentication is malformed.',
      'query',
      service,
    );
  }
  const token = value('X-Amz-Security-Token');
  return {
    ok: true,
    parameters: {
      authType: 'REST-QUERY-STRING',
      ...credential,
      signedHeaders,
      signature,
      amzDate: value('X-Amz-Date') ?? '',
      expiresSeconds: Number(expires),
      ...(token === undefined ? {} : { securityToken: token }),
    },
  };
}

export function parseSignatureParameters(
  request: GateRequest,
  query: readonly QueryParameter[],
): ParsedSignature {
  const header = request.headers['authorization'];
  const presigned = query.some(({ name }) => name === 'X-Amz-Signature' || name === 'X-Amz-Algorithm');
  if (header !== undefined && presigned) {
    const detail =
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified';
    return malformed(detail, detail, 'header');
  }
  if (header !== undefined) {
    return fromAuthorizationHeader(
      header,
      request.headers['x-amz-security-token'],
      request.headers['x-amz-date'],
    );
  }
  return presigned ? fromQuery(query) : { ok: false, missing: true };
}
