// What authentication hands the authorizer and the forwarder, or the error to answer instead.
import type { AwsError, IssuedSession } from '../gate-request.ts';

export type AuthenticationCheck =
  | 'missing-authentication'
  | 'malformed'
  | 'unknown-key'
  | 'signature'
  | 'payload-hash'
  | 'chunk-signature'
  | 'missing-token'
  | 'wrong-token'
  | 'expired-token'
  | 'clock-skew'
  | 'presigned-expired'
  | 'scope';

export type AuthType = 'REST-HEADER' | 'REST-QUERY-STRING';

export interface Authenticated {
  ok: true;
  session: IssuedSession;
  /** The credential scope's service: 's3', 'sqs', 'dynamodb', 'secretsmanager', 'sts'. */
  service: string;
  region: string;
  authType: AuthType;
  signedAt: Date;
  signatureAgeMs: number;
  /** The body with any aws-chunked framing removed: what the service stores. */
  payload: Buffer;
  /** The x-amz-content-sha256 value as sent (or UNSIGNED-PAYLOAD, a STREAMING-* value), else sha256(body). */
  contentSha256: string;
  /** Trailing headers of an aws-chunked body (e.g. x-amz-checksum-crc32), which the forwarder sends as headers. */
  trailers?: Readonly<Record<string, string>>;
}

export interface NotAuthenticated {
  ok: false;
  /** Absent when the request names no service this gate knows. */
  service?: string;
  error: AwsError;
  check: AuthenticationCheck;
}

export type AuthenticationResult = Authenticated | NotAuthenticated;

export interface AuthenticateOptions {
  now: Date;
  /** The one region the emulator serves; a credential scoped to another is refused. */
  region: string;
}
