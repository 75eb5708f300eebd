export { createLogger, type LoggerOptions } from './create-logger.ts';
export { REDACTED, redactPaths } from './redact-paths.ts';
export type { Logger } from 'pino';
