export interface ConfigIssue {
  /** The environment variable (or, for a nested value, its dotted path). */
  variable: string;
  /** What is wrong with it. Never contains the received value. */
  problem: string;
}

export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(`Invalid configuration: ${issues.map(formatIssue).join('; ')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

export function formatIssue({ variable, problem }: ConfigIssue): string {
  return `${variable}: ${problem}`;
}
