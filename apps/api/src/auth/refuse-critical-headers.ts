import type { JwtHeader } from 'aws-jwt-verify/jwt-model';
import { JwtBaseError } from 'aws-jwt-verify/error';

/** A token whose `crit` header lists extensions this api does not implement. */
export class UnsupportedCriticalHeaderError extends JwtBaseError {}

/**
 * RFC 7515 §4.1.11: a JWS whose `crit` header names an extension the recipient does not understand
 * is invalid. The signer added `crit` so that no verifier would skip the rule it names (the RFC's
 * own example is an expiry in the header), and aws-jwt-verify ignores `crit` altogether. This api
 * implements no extension, so any `crit` at all — even an empty or malformed one — is refused.
 */
export function refuseCriticalHeaders({ header }: { header: JwtHeader }): void {
  if (Object.hasOwn(header, 'crit'))
    throw new UnsupportedCriticalHeaderError('the JWS crit header names extensions that are not supported');
}
