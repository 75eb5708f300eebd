// One JSON line per credential decision, so a learner can watch every hop being allowed or denied
// and see why. Tokens and credentials never reach this log: only the fields below are written.
import { createLogger, type LoggerOptions } from '@keyless/logging';

/** Which check decided. Token (or SAML assertion) checks run in this order, then the role checks. */
export type DecisionCheck =
  | 'request'
  | 'provider'
  | 'saml-format'
  | 'token-format'
  | 'algorithm'
  | 'issuer'
  | 'discovery'
  | 'signature'
  | 'expiry'
  | 'audience'
  | 'recipient'
  | 'role-attribute'
  | 'role'
  | 'trust-policy'
  | 'session-duration';

export interface Decision {
  /** The token's `sub` (as claimed, if the token was refused before its signature was verified) or the service principal. */
  caller: string;
  /** The token's `iss` (web identity) or the assertion's Issuer (SAML). */
  issuer?: string;
  /** SAML: the IAM SAML provider the request named (PrincipalArn). */
  provider?: string;
  /** Role ARN as requested. */
  role: string;
  action: 'sts:AssumeRoleWithWebIdentity' | 'sts:AssumeRole' | 'sts:AssumeRoleWithSAML';
  decision: 'allowed' | 'denied';
  check: DecisionCheck;
  /** The trust-policy statement that decided (Sid or `#<index>`), when one did. */
  statement?: string;
  reason: string;
}

export interface DecisionLog {
  record(decision: Decision): void;
}

export interface DecisionLogOptions {
  /** Where the JSON lines go; stdout when omitted. */
  destination?: LoggerOptions['destination'];
  /** Written as `service` on every line. */
  service?: string;
}

export function createDecisionLog({
  destination,
  service = 'identity-plane',
}: DecisionLogOptions = {}): DecisionLog {
  const logger = createLogger({ service, level: 'info', destination });
  return {
    record(decision) {
      const line = { event: 'sts.decision', ...decision };
      const summary = `${decision.decision} ${decision.action} on ${decision.role} for ${decision.caller}`;
      if (decision.decision === 'allowed') logger.info(line, summary);
      else logger.warn(line, summary);
    },
  };
}
