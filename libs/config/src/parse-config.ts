import { en } from 'zod/locales';
import * as z from 'zod/mini';
import { ConfigError, type ConfigIssue } from './config-error.ts';

export type Env = Record<string, string | undefined>;

// zod/mini comes without messages ("Invalid input" for everything); the English ones are ~3 KiB.
z.config(en());

// Below this length a value is too likely to occur in an ordinary message ("a", "http") to be worth
// withholding, and too short to be a credible secret.
const MIN_WITHHELD_LENGTH = 8;

/**
 * Validates `env` against `schema` and returns the parsed, typed configuration.
 * Throws a ConfigError naming every bad or missing variable and what is wrong, without the values.
 */
export function parseConfig<S extends z.core.$ZodType>(schema: S, env: Env = process.env): z.output<S> {
  const input = withoutEmptyValues(env);
  const result = z.safeParse(schema, input);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((issue) => toConfigIssue(issue, input)));
}

// `FOO=` in an env file or compose file means "no value"; treating it as set would turn a missing
// required variable into a confusing format error and break optional variables.
function withoutEmptyValues(env: Env): Env {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
}

function toConfigIssue(issue: z.core.$ZodIssue, env: Env): ConfigIssue {
  const [name] = issue.path;
  const value = name === undefined ? undefined : env[String(name)];
  const variable = issue.path.length > 0 ? issue.path.map(String).join('.') : '(config)';
  if (issue.code === 'invalid_type' && name !== undefined && value === undefined) {
    return { variable, problem: 'required' };
  }
  // Zod's own messages and this library's never contain the input, but an app's custom message
  // might interpolate it; the value may be a secret, so such a message is dropped.
  const echoesValue =
    value !== undefined && value.length >= MIN_WITHHELD_LENGTH && issue.message.includes(value);
  return {
    variable,
    problem: echoesValue ? 'invalid value (message withheld: it contained the value)' : issue.message,
  };
}
