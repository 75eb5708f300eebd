// Who signed a request, and whether what arrived is what they signed: AWS Signature Version 4
// checked the way the service itself checks it, in the order it reports failures (the scope and
// the clock before the key, the key and its session token before the signature, the signature
// before the payload).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { GateRequest, IssuedSession, SessionLookup } from '../gate-request.ts';
import { formatAmzDate, parseRequestDate } from './amz-date.ts';
import { authenticationErrors, isKnownService } from './authentication-errors.ts';
import type {
  AuthenticateOptions,
  AuthenticationCheck,
  AuthenticationResult,
  NotAuthenticated,
} from './authentication-result.ts';
import {
  canonicalHeaders,
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  credentialScope,
  parseQuery,
} from './canonical-request.ts';
import { guessService } from './guess-service.ts';
import {
  maxPresignedExpirySeconds,
  parseSignatureParameters,
  sigV4Algorithm,
} from './signature-parameters.ts';
import { sha256Hex, signaturesEqual, signHex, signingKey } from './sigv4-crypto.ts';
import { isStreamingMode, verifyStreamingPayload } from './streaming-payload.ts';

/** How far a request's signing time may be from the gate's clock: AWS's fifteen minutes. */
export const maxClockSkewMs = 15 * 60_000;

const unsignedPayload = 'UNSIGNED-PAYLOAD';

const refuse = (
  service: string | undefined,
  check: AuthenticationCheck,
  error: NotAuthenticated['error'],
): NotAuthenticated => ({
  ok: false,
  ...(service === undefined ? {} : { service }),
  check,
  error,
});

/** Session tokens are secrets too: compared by digest so the time taken says nothing of a prefix. */
function tokensEqual(expected: string, provided: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(expected), digest(provided));
}

/** The session's token, its absence and its lifetime, as AWS checks a temporary credential. */
function checkSession(
  session: IssuedSession,
  token: string | undefined,
  service: string,
  now: Date,
): NotAuthenticated | undefined {
  if (session.sessionToken !== undefined && token === undefined) {
    // A temporary key id without its token names no credentials to AWS: the unknown-key answer.
    return refuse(service, 'missing-token', authenticationErrors.unknownKey(service));
  }
  if (
    token !== undefined &&
    (session.sessionToken === undefined || !tokensEqual(session.sessionToken, token))
  ) {
    return refuse(service, 'wrong-token', authenticationErrors.wrongToken(service));
  }
  if (session.expiration !== undefined && now.getTime() >= session.expiration.getTime()) {
    return refuse(service, 'expired-token', authenticationErrors.expiredToken(service));
  }
  return undefined;
}

export function authenticateRequest(
  request: GateRequest,
  sessions: SessionLookup,
  options: AuthenticateOptions,
): AuthenticationResult {
  const { now } = options;
  const query = parseQuery(request.query);
  const parsed = parseSignatureParameters(request, query);
  if (!parsed.ok) {
    const service =
      parsed.missing || parsed.service === undefined || !isKnownService(parsed.service)
        ? guessService(request)
        : parsed.service;
    return parsed.missing
      ? refuse(service, 'missing-authentication', authenticationErrors.missingAuthentication(service))
      : refuse(service, 'malformed', parsed.error(service));
  }
  const signed = parsed.parameters;
  const { service, authType } = signed;
  const dialect = authType === 'REST-HEADER' ? 'header' : 'query';

  if (!isKnownService(service))
    return refuse(undefined, 'scope', authenticationErrors.unknownService(service));
  if (signed.region !== options.region) {
    return refuse(
      service,
      'scope',
      authenticationErrors.wrongRegion(service, dialect, signed.region, options.region),
    );
  }

  const signedAt = parseRequestDate(signed.amzDate, request.headers['date']);
  if (!signedAt) return refuse(service, 'malformed', authenticationErrors.missingDate(service));
  // The string to sign carries the time in X-Amz-Date's form even when only Date was sent.
  const timestamp = signed.amzDate ?? formatAmzDate(signedAt);
  if (signed.scopeDate !== timestamp.slice(0, 8)) {
    return refuse(
      service,
      'scope',
      authenticationErrors.wrongScopeDate(service, dialect, signed.scopeDate, timestamp),
    );
  }
  if (!signed.signedHeaders.includes('host'))
    return refuse(service, 'malformed', authenticationErrors.hostNotSigned(service, dialect));

  if (signed.expiresSeconds === undefined) {
    if (Math.abs(now.getTime() - signedAt.getTime()) > maxClockSkewMs) {
      return refuse(service, 'clock-skew', authenticationErrors.clockSkew(service, signedAt, now));
    }
  } else {
    if (signed.expiresSeconds > maxPresignedExpirySeconds) {
      return refuse(service, 'malformed', authenticationErrors.presignedTooLong(service));
    }
    if (signedAt.getTime() - now.getTime() > maxClockSkewMs) {
      return refuse(service, 'clock-skew', authenticationErrors.presignedNotYetValid(service, signedAt, now));
    }
    const expiresAt = new Date(signedAt.getTime() + signed.expiresSeconds * 1000);
    if (now.getTime() > expiresAt.getTime()) {
      return refuse(
        service,
        'presigned-expired',
        authenticationErrors.presignedExpired(service, expiresAt, now),
      );
    }
  }

  const session = sessions.find(signed.accessKeyId);
  if (!session) return refuse(service, 'unknown-key', authenticationErrors.unknownKey(service));
  const sessionRefusal = checkSession(session, signed.securityToken, service, now);
  if (sessionRefusal) return sessionRefusal;

  // What stands for the body in the canonical request. S3 takes the caller's x-amz-content-sha256
  // (checked against the body once the signature holds); the other services hash the body.
  // A presigned URL may carry it as X-Amz-Content-Sha256 (the SDK's presigner does), signed with the rest.
  const declaredHash =
    request.headers['x-amz-content-sha256'] ??
    query.find(({ name }) => name === 'X-Amz-Content-Sha256')?.value;
  let payloadHash: string;
  if (service === 's3') {
    if (declaredHash === undefined && authType === 'REST-HEADER') {
      return refuse(service, 'malformed', authenticationErrors.missingContentSha256(service));
    }
    payloadHash = declaredHash ?? unsignedPayload;
    if (
      !/^[0-9a-f]{64}$/.test(payloadHash) &&
      payloadHash !== unsignedPayload &&
      !isStreamingMode(payloadHash)
    ) {
      return refuse(service, 'malformed', authenticationErrors.invalidContentSha256(service));
    }
    if (authType === 'REST-HEADER') {
      const unsigned = Object.keys(request.headers).filter(
        (name) => name.startsWith('x-amz-') && !signed.signedHeaders.includes(name),
      );
      if (unsigned.length > 0)
        return refuse(service, 'signature', authenticationErrors.headersNotSigned(service, unsigned));
    }
  } else {
    payloadHash = sha256Hex(request.body);
    if (declaredHash !== undefined && declaredHash !== payloadHash) {
      return refuse(service, 'payload-hash', authenticationErrors.payloadHashMismatch(service));
    }
  }

  const scope = credentialScope(signed.scopeDate, signed.region, service);
  const canonical = canonicalRequest({
    method: request.method.toUpperCase(),
    uri: canonicalUri(request.path, service),
    query: canonicalQuery(query),
    headers: canonicalHeaders(request.headers, signed.signedHeaders),
    signedHeaders: signed.signedHeaders,
    payloadHash,
  });
  const key = signingKey(session.secretAccessKey, signed.scopeDate, signed.region, service);
  const expected = signHex(key, [sigV4Algorithm, timestamp, scope, sha256Hex(canonical)].join('\n'));
  if (!signaturesEqual(expected, signed.signature)) {
    return refuse(service, 'signature', authenticationErrors.signatureMismatch(service));
  }

  let payload = request.body;
  let trailers: Record<string, string> | undefined;
  if (isStreamingMode(payloadHash)) {
    const streamed = verifyStreamingPayload(request.body, {
      mode: payloadHash,
      service,
      headers: request.headers,
      signingKey: key,
      amzDate: timestamp,
      scope,
      seedSignature: signed.signature,
    });
    if (!streamed.ok) return refuse(service, streamed.check, streamed.error);
    payload = streamed.payload;
    trailers = streamed.trailers;
  } else if (payloadHash !== unsignedPayload && sha256Hex(request.body) !== payloadHash) {
    return refuse(service, 'payload-hash', authenticationErrors.payloadHashMismatch(service));
  }

  return {
    ok: true,
    session,
    service,
    region: signed.region,
    authType,
    signedAt,
    signatureAgeMs: now.getTime() - signedAt.getTime(),
    payload,
    contentSha256: declaredHash ?? payloadHash,
    ...(trailers === undefined ? {} : { trailers }),
  };
}
