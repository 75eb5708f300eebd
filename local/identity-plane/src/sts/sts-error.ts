import type { Decision, DecisionCheck, DecisionLog } from '../decision-log.ts';

/**
 * A refusal in STS's own terms: the error code and HTTP status the SDK maps to its exception
 * classes, plus which of the identity plane's checks refused (for the decision log).
 */
export class StsError extends Error {
  readonly check: DecisionCheck;
  readonly code: string;
  readonly status: number;
  /** The trust-policy statement that decided a denial, when one did. */
  readonly statement: string | undefined;

  constructor(check: DecisionCheck, code: string, status: number, message: string, statement?: string) {
    super(message);
    this.statement = statement;
    this.name = 'StsError';
    this.check = check;
    this.code = code;
    this.status = status;
  }
}

export const accessDenied = (check: DecisionCheck, message: string, statement?: string) =>
  new StsError(check, 'AccessDenied', 403, message, statement);

export const invalidIdentityToken = (check: DecisionCheck, message: string) =>
  new StsError(check, 'InvalidIdentityToken', 400, message);

export const validationError = (check: DecisionCheck, message: string) =>
  new StsError(check, 'ValidationError', 400, message);

/** Writes the decision line for a refusal; other failures are not decisions and are not logged here. */
export function recordDenial(
  decisions: DecisionLog,
  request: Pick<Decision, 'caller' | 'issuer' | 'provider' | 'role' | 'action'>,
  error: unknown,
): void {
  if (!(error instanceof StsError)) return;
  decisions.record({
    ...request,
    decision: 'denied',
    check: error.check,
    statement: error.statement,
    reason: error.message,
  });
}
