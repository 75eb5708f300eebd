import type * as z from 'zod/mini';
import { ConfigError, formatIssue } from './config-error.ts';
import { parseConfig, type Env } from './parse-config.ts';

/**
 * parseConfig for app start-up: on invalid configuration, writes one line per problem to stderr
 * and exits with code 1, so a misconfigured task or pod fails fast with the reason in its log.
 */
export function loadConfig<S extends z.core.$ZodType>(schema: S, env: Env = process.env): z.output<S> {
  try {
    return parseConfig(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // The logger is not configured yet (its level comes from this config), so plain lines on stderr.
    process.stderr.write(
      error.issues.map((issue) => `Invalid configuration: ${formatIssue(issue)}\n`).join(''),
    );
    process.exit(1);
  }
}
