import type * as z from 'zod/mini';
import { ConfigError, formatIssue } from './config-error.ts';
import { parseConfig, type Env } from './parse-config.ts';

/**
 * For start-up code that parses configuration its own way (the telemetry preload): a ConfigError
 * becomes one line per problem on stderr and exit code 1, so a misconfigured task or pod fails fast
 * with the reason in its log and no stack trace. Anything else is rethrown.
 */
export function exitOnConfigError(error: unknown): never {
  if (!(error instanceof ConfigError)) throw error;
  // The logger is not configured yet (its level comes from this config), so plain lines on stderr.
  process.stderr.write(
    error.issues.map((issue) => `Invalid configuration: ${formatIssue(issue)}\n`).join(''),
  );
  process.exit(1);
}

/** parseConfig for app start-up: invalid configuration ends the process as exitOnConfigError says. */
export function loadConfig<S extends z.core.$ZodType>(schema: S, env: Env = process.env): z.output<S> {
  try {
    return parseConfig(schema, env);
  } catch (error) {
    return exitOnConfigError(error);
  }
}
