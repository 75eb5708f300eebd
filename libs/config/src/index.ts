export { ConfigError, type ConfigIssue } from './config-error.ts';
export { parseConfig, type Env } from './parse-config.ts';
export { exitOnConfigError, loadConfig } from './load-config.ts';
export {
  awsEnv,
  booleanFromString,
  deployEnv,
  durationSeconds,
  httpUrl,
  logLevel,
  port,
  positiveInt,
  secondsBetween,
  serviceEnv,
  type DeployEnv,
  type LogLevel,
} from './env-schemas.ts';
