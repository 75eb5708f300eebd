export { censorSecrets, MAX_DEPTH, REDACTED, secretKeys } from './censor-secrets.ts';
export { createLogger, type LoggerOptions } from './create-logger.ts';
export { endLogs } from './end-logs.ts';
export type { Logger } from 'pino';
