export {
  Database,
  type DatabaseLogger,
  type DatabaseOptions,
  type DatabaseStats,
  type IamAuthConnection,
  type PoolOptions,
  type Queryable,
} from './database.ts';
export { databaseSecret, parseDatabaseSecret, type DatabaseSecret } from './database-secret.ts';
export { isAuthenticationFailure, isDataError, sqlState } from './database-errors.ts';
export { databaseTlsEnv, tlsOptions, type DatabaseTlsEnv } from './tls-options.ts';
