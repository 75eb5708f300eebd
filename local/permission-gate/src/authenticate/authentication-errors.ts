// The error each authentication failure answers, as the real service names it. Sources, by AWS
// documentation title: "Amazon S3 API Reference: Error responses" (List of error codes),
// "Authenticating Requests (AWS Signature Version 4)" and "Signature Calculations for the
// Authorization Header: Transferring Payload in Multiple Chunks (Chunked Upload)" in the S3 API
// Reference; the "Common Errors" page of the AWS STS, Amazon SQS, Amazon DynamoDB and AWS Secrets
// Manager API References; "Troubleshoot signature errors in AWS SigV4" in the IAM User Guide.
// Messages are AWS's wording as those services return it; none carries the secret key or the
// signature the gate expected.
import type { AwsError } from '../gate-request.ts';
import { formatAmzDate } from './amz-date.ts';

/**
 * How a service reports authentication errors. S3 has its own codes; the Query-protocol services
 * (STS, SQS's codes, CloudFormation) answer 403 with the bare code; the JSON-protocol ones 400
 * with an `…Exception` code; the REST-JSON ones (EKS) the JSON codes with 403, as their
 * front answers them (UnrecognizedClientException and InvalidSignatureException are 403 from EKS;
 * the other codes of the family follow that status).
 */
type ErrorFamily = 's3' | 'query' | 'json' | 'rest-json';

const serviceFamilies: Readonly<Record<string, ErrorFamily>> = {
  s3: 's3',
  sts: 'query',
  sqs: 'query',
  cloudformation: 'query',
  dynamodb: 'json',
  secretsmanager: 'json',
  logs: 'json',
  ecs: 'json',
  ecr: 'json',
  eks: 'rest-json',
  // IAM database authentication tokens (presigned `connect` URLs): checked by local/rds-proxy, whose
  // client sees a PostgreSQL error carrying this message.
  'rds-db': 'query',
};

export const isKnownService = (service: string): boolean => Object.hasOwn(serviceFamilies, service);

const familyOf = (service: string): ErrorFamily => serviceFamilies[service] ?? 'query';

/** The JSON family's status: 400 for the JSON protocol, 403 for REST-JSON. */
const jsonStatus = (service: string): number => (familyOf(service) === 'rest-json' ? 403 : 400);

const error = (status: number, code: string, message: string): AwsError => ({ status, code, message });

const signatureDoesNotMatchMessage =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

const securityTokenInvalid = 'The security token included in the request is invalid.';

/** SignatureDoesNotMatch with the given message, in the family's code and status. */
function signatureError(service: string, message: string): AwsError {
  switch (familyOf(service)) {
    case 's3':
      return error(403, 'SignatureDoesNotMatch', message);
    case 'query':
      return error(403, 'SignatureDoesNotMatch', message);
    case 'json':
    case 'rest-json':
      return error(jsonStatus(service), 'InvalidSignatureException', message);
  }
}

/** A missing or unparsable signature element (IncompleteSignature in the Query and JSON services). */
function incomplete(
  service: string,
  authType: 'header' | 'query',
  s3Detail: string,
  detail: string,
): AwsError {
  switch (familyOf(service)) {
    case 's3':
      return authType === 'header'
        ? error(400, 'AuthorizationHeaderMalformed', `The authorization header is malformed; ${s3Detail}`)
        : error(400, 'AuthorizationQueryParametersError', s3Detail);
    case 'query':
      return error(400, 'IncompleteSignature', detail);
    case 'json':
    case 'rest-json':
      return error(jsonStatus(service), 'IncompleteSignatureException', detail);
  }
}

function skewMessage(signedAt: Date, now: Date): string {
  const limit = 15 * 60_000;
  return signedAt.getTime() < now.getTime()
    ? `Signature expired: ${formatAmzDate(signedAt)} is now earlier than ${formatAmzDate(new Date(now.getTime() - limit))} (${formatAmzDate(now)} - 15 min.)`
    : `Signature not yet current: ${formatAmzDate(signedAt)} is still later than ${formatAmzDate(new Date(now.getTime() + limit))} (${formatAmzDate(now)} + 15 min.)`;
}

export const authenticationErrors = {
  /** No Authorization header and no X-Amz-Signature: S3 treats it as anonymous, which it denies here. */
  missingAuthentication(service: string): AwsError {
    switch (familyOf(service)) {
      case 's3':
        return error(403, 'AccessDenied', 'Access Denied');
      case 'query':
        return error(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
      case 'json':
      case 'rest-json':
        return error(
          jsonStatus(service),
          'MissingAuthenticationTokenException',
          'Request is missing Authentication Token',
        );
    }
  },

  /** SigV2, SigV4a or anything but AWS4-HMAC-SHA256. */
  unsupportedAlgorithm(service: string, algorithm: string): AwsError {
    return familyOf(service) === 's3'
      ? error(
          400,
          'InvalidRequest',
          'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
        )
      : incomplete(service, 'header', '', `Unsupported AWS 'algorithm': '${algorithm}'`);
  },

  malformed(service: string, authType: 'header' | 'query', s3Detail: string, detail: string): AwsError {
    return incomplete(service, authType, s3Detail, detail);
  },

  /** No date to sign with: neither X-Amz-Date nor Date. */
  missingDate(service: string): AwsError {
    return familyOf(service) === 's3'
      ? error(403, 'AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header')
      : incomplete(
          service,
          'header',
          '',
          "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
        );
  },

  /**
   * An access key id the identity plane never issued. A temporary key sent without its session
   * token is the same to AWS: the key id alone names no credentials.
   */
  unknownKey(service: string): AwsError {
    switch (familyOf(service)) {
      case 's3':
        return error(
          403,
          'InvalidAccessKeyId',
          'The AWS Access Key Id you provided does not exist in our records.',
        );
      case 'query':
        return error(403, 'InvalidClientTokenId', securityTokenInvalid);
      case 'json':
      case 'rest-json':
        return error(jsonStatus(service), 'UnrecognizedClientException', securityTokenInvalid);
    }
  },

  wrongToken(service: string): AwsError {
    switch (familyOf(service)) {
      case 's3':
        return error(400, 'InvalidToken', 'The provided token is malformed or otherwise invalid.');
      case 'query':
        return error(403, 'InvalidClientTokenId', securityTokenInvalid);
      case 'json':
      case 'rest-json':
        return error(jsonStatus(service), 'UnrecognizedClientException', securityTokenInvalid);
    }
  },

  expiredToken(service: string): AwsError {
    switch (familyOf(service)) {
      case 's3':
        return error(400, 'ExpiredToken', 'The provided token has expired.');
      case 'query':
        return error(403, 'ExpiredToken', 'The security token included in the request is expired');
      case 'json':
      case 'rest-json':
        return error(
          jsonStatus(service),
          'ExpiredTokenException',
          'The security token included in the request is expired',
        );
    }
  },

  signatureMismatch(service: string): AwsError {
    return signatureError(
      service,
      familyOf(service) === 's3'
        ? 'The request signature we calculated does not match the signature you provided. Check your key and signing method.'
        : signatureDoesNotMatchMessage,
    );
  },

  /** S3 refuses any x-amz-* header it was not asked to cover by the signature. */
  headersNotSigned(service: string, names: readonly string[]): AwsError {
    return familyOf(service) === 's3'
      ? error(
          403,
          'AccessDenied',
          `There were headers present in the request which were not signed: ${names.join(', ')}`,
        )
      : signatureError(service, signatureDoesNotMatchMessage);
  },

  hostNotSigned(service: string, authType: 'header' | 'query'): AwsError {
    return incomplete(
      service,
      authType,
      "'Host' must be a 'SignedHeader' in the AWS Authorization.",
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    );
  },

  /** The body is not what x-amz-content-sha256 says; elsewhere the body hash is in the signature. */
  payloadHashMismatch(service: string): AwsError {
    return familyOf(service) === 's3'
      ? error(
          400,
          'XAmzContentSHA256Mismatch',
          "The provided 'x-amz-content-sha256' header does not match what was computed.",
        )
      : signatureError(service, signatureDoesNotMatchMessage);
  },

  invalidContentSha256(service: string): AwsError {
    return familyOf(service) === 's3'
      ? error(
          400,
          'InvalidArgument',
          'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.',
        )
      : signatureError(service, signatureDoesNotMatchMessage);
  },

  /** S3 requires x-amz-content-sha256 on every header-signed request. */
  missingContentSha256(_service: string): AwsError {
    return error(400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  },

  chunkSignatureMismatch(service: string): AwsError {
    return signatureError(
      service,
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    );
  },

  /** aws-chunked framing that does not parse, or decodes to other than x-amz-decoded-content-length bytes. */
  incompleteBody(_service: string): AwsError {
    return error(
      400,
      'IncompleteBody',
      'You did not provide the number of bytes specified by the Content-Length HTTP header',
    );
  },

  /** A trailing checksum (x-amz-checksum-*) the decoded payload does not have. */
  badDigest(_service: string, algorithm: string): AwsError {
    return error(
      400,
      'BadDigest',
      `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`,
    );
  },

  clockSkew(service: string, signedAt: Date, now: Date): AwsError {
    return familyOf(service) === 's3'
      ? error(
          403,
          'RequestTimeTooSkewed',
          'The difference between the request time and the current time is too large.',
        )
      : signatureError(service, skewMessage(signedAt, now));
  },

  presignedExpired(service: string, expiresAt: Date, now: Date): AwsError {
    return familyOf(service) === 's3'
      ? error(403, 'AccessDenied', 'Request has expired')
      : signatureError(
          service,
          `Signature expired: ${formatAmzDate(expiresAt)} is now earlier than ${formatAmzDate(now)}`,
        );
  },

  presignedNotYetValid(service: string, signedAt: Date, now: Date): AwsError {
    return familyOf(service) === 's3'
      ? error(403, 'AccessDenied', 'Request is not valid yet')
      : signatureError(service, skewMessage(signedAt, now));
  },

  presignedTooLong(service: string): AwsError {
    return incomplete(
      service,
      'query',
      'X-Amz-Expires must be less than a week (in seconds) that is 604800',
      'X-Amz-Expires must be less than a week (in seconds) that is 604800',
    );
  },

  wrongRegion(service: string, authType: 'header' | 'query', region: string, expected: string): AwsError {
    if (familyOf(service) !== 's3')
      return signatureError(service, 'Credential should be scoped to a valid region. ');
    return authType === 'header'
      ? error(
          400,
          'AuthorizationHeaderMalformed',
          `The authorization header is malformed; the region '${region}' is wrong; expecting '${expected}'`,
        )
      : error(
          400,
          'AuthorizationQueryParametersError',
          `Error parsing the X-Amz-Credential parameter; the region '${region}' is wrong; expecting '${expected}'`,
        );
  },

  wrongScopeDate(
    service: string,
    authType: 'header' | 'query',
    scopeDate: string,
    amzDate: string,
  ): AwsError {
    if (familyOf(service) !== 's3') {
      return signatureError(
        service,
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
      );
    }
    return authType === 'header'
      ? error(
          400,
          'AuthorizationHeaderMalformed',
          'The authorization header is malformed; Invalid credential date. Date is not the same as X-Amz-Date.',
        )
      : error(
          400,
          'AuthorizationQueryParametersError',
          'Invalid credential date "' +
            scopeDate +
            '". This date is not the same as X-Amz-Date: "' +
            amzDate.slice(0, 8) +
            '".',
        );
  },

  /** A scope naming no service this gate fronts: which service's dialect to answer in is unknown. */
  unknownService(name: string): AwsError {
    return error(
      403,
      'SignatureDoesNotMatch',
      `Credential should be scoped to correct service: '${name}' is not a service this gate fronts.`,
    );
  },
};
