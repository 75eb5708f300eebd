// The shapes the gate's parts hand each other: a request as it arrived (body buffered, since both
// the signature and the authorization need it), the session that signed it, and an AWS error as
// the calling SDK expects to parse it.
import type { PolicyDocument } from '@keyless/iam-policy';

export interface GateRequest {
  method: string;
  /** The path as sent (still percent-encoded), without the query. */
  path: string;
  /** The raw query string without its '?'; '' when there is none. */
  query: string;
  /** Header names in lower case; a repeated header's values joined with ','. */
  headers: Readonly<Record<string, string>>;
  body: Buffer;
  /** The caller's address, for aws:SourceIp and the trail's sourceIPAddress. */
  sourceIp: string;
  /** Whether the request reached the gate over TLS (aws:SecureTransport). */
  secureTransport: boolean;
  /** The TLS the request came over, for the trail's tlsDetails. */
  tls?: { version: string; cipherSuite: string };
}

/** Credentials the identity plane issued (or the emulator administrator's), as the gate knows them. */
export interface IssuedSession {
  accessKeyId: string;
  secretAccessKey: string;
  /** Required in the request (X-Amz-Security-Token) when set. */
  sessionToken?: string;
  kind: 'assumed-role' | 'root';
  accountId: string;
  /** `arn:aws:sts::<acct>:assumed-role/<role>/<session>` or `arn:aws:iam::<acct>:root`. */
  arn: string;
  /** For assumed roles: `arn:aws:iam::<acct>:role/<name>`, the role's name and the session name. */
  role?: { arn: string; name: string; sessionName: string };
  /** When the credentials stop working (ExpiredToken after it). */
  expiration?: Date;
  /** A session policy passed to AssumeRole*: it narrows what the role's policies allow. */
  sessionPolicy?: PolicyDocument;
  /** Session tags (e.g. a SAML assertion's PrincipalTag attributes): aws:PrincipalTag/<key> in every call. */
  tags?: Readonly<Record<string, string>>;
  issuedAt: Date;
}

export interface SessionLookup {
  find(accessKeyId: string): IssuedSession | undefined;
}

/** An AWS error as the service would name it; rendered in the service's own protocol. */
export interface AwsError {
  status: number;
  code: string;
  message: string;
}
