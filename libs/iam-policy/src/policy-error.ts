/**
 * A policy this evaluator cannot evaluate faithfully: malformed, or using a feature it does not
 * implement (policy variables, an unknown operator). Thrown rather than guessed, because a guess
 * in an authorization decision is a silent security bug.
 */
export class PolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyError';
  }
}
