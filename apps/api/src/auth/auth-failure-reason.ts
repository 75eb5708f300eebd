import {
  CognitoJwtInvalidClientIdError,
  CognitoJwtInvalidTokenUseError,
  FetchError,
  JwksNotAvailableInCacheError,
  JwksValidationError,
  JwtExpiredError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  JwtWithoutValidKidError,
  KidNotFoundInJwksError,
  ParameterValidationError,
  WaitPeriodNotYetEndedJwkError,
} from 'aws-jwt-verify/error';
import { UnsupportedCriticalHeaderError } from './refuse-critical-headers.ts';

/** The `reason` dimension of the AuthFailures metric: low cardinality, and safe to show. */
export type AuthFailureReason =
  | 'missing_token'
  | 'malformed_token'
  | 'unsupported_algorithm'
  | 'unsupported_critical_header'
  | 'bad_signature'
  | 'unknown_key'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_issuer'
  | 'wrong_token_use'
  | 'wrong_client'
  | 'invalid_claims'
  | 'jwks_unavailable';

// Order matters: several of these are subclasses of one another.
const reasons: [new (...args: never[]) => Error, AuthFailureReason][] = [
  [JwtParseError, 'malformed_token'],
  [JwtInvalidSignatureAlgorithmError, 'unsupported_algorithm'],
  [JwtInvalidSignatureError, 'bad_signature'],
  [KidNotFoundInJwksError, 'unknown_key'],
  [WaitPeriodNotYetEndedJwkError, 'unknown_key'],
  [JwtWithoutValidKidError, 'unknown_key'],
  [JwtExpiredError, 'expired'],
  [JwtNotBeforeError, 'not_yet_valid'],
  [JwtInvalidIssuerError, 'wrong_issuer'],
  // Raised before any key lookup when `iss` names no configured issuer (another user pool).
  [ParameterValidationError, 'wrong_issuer'],
  [CognitoJwtInvalidTokenUseError, 'wrong_token_use'],
  [CognitoJwtInvalidClientIdError, 'wrong_client'],
  [UnsupportedCriticalHeaderError, 'unsupported_critical_header'],
  [FetchError, 'jwks_unavailable'],
  [JwksValidationError, 'jwks_unavailable'],
  [JwksNotAvailableInCacheError, 'jwks_unavailable'],
];

export function authFailureReason(error: unknown): AuthFailureReason {
  for (const [type, reason] of reasons) if (error instanceof type) return reason;
  return 'invalid_claims';
}
