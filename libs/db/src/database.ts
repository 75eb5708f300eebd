import type { ConnectionOptions } from 'node:tls';
import type { SecretCache } from '@keyless/secrets';
import pg from 'pg';
import { isAuthenticationFailure, isStatementError, sqlState, withoutClient } from './database-errors.ts';
import { parseDatabaseSecret } from './database-secret.ts';

/** The two methods the pool logs with; a pino Logger fits. */
export interface DatabaseLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

/**
 * IAM database authentication (through RDS Proxy, or RDS itself): no stored password. pg calls
 * `token` for every new connection, so each login presents a fresh 15-minute token signed with
 * the caller's current role credentials (@aws-sdk/rds-signer's `getAuthToken`).
 */
export interface IamAuthConnection {
  host: string;
  port: number;
  database: string;
  user: string;
  token: () => Promise<string>;
}

/** Where the credentials come from: a Secrets Manager secret (read through the cache, never from config), or IAM. */
type CredentialSource =
  | {
      secrets: SecretCache;
      /** An RDS-style secret: `{ host, port, username, password, dbname }`. */
      secretId: string;
      iamAuth?: never;
    }
  | { iamAuth: IamAuthConnection; secrets?: never; secretId?: never };

export type DatabaseOptions = CredentialSource & PoolOptions;

/** How the pool behaves, whichever the credential source. */
export interface PoolOptions {
  logger: DatabaseLogger;
  /** pg's `ssl`: false only for a database on the same host. */
  ssl: false | ConnectionOptions;
  /** Most connections open at once. Default 10. */
  poolSize?: number;
  /** Give up opening a connection after this long, rather than waiting forever. Default 5 s. */
  connectionTimeoutMs?: number;
  /** Close connections idle this long. Default 30 s. */
  idleTimeoutMs?: number;
  /** Server-side `statement_timeout`. Default 30 s. */
  statementTimeoutMs?: number;
  /** Shown in `pg_stat_activity.application_name`. */
  applicationName?: string;
}

/** What a transaction body may do: parameterised queries on the transaction's connection. */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>>;
}

export interface DatabaseStats {
  /** Connections refused with 28P01/28000 that led to a forced secret refresh. */
  authRefreshes: number;
  /** Pools replaced because the secret's AWSCURRENT version changed. */
  poolRebuilds: number;
}

interface CurrentPool {
  versionId: string;
  pool: pg.Pool;
}

/**
 * A pg pool whose credentials come from Secrets Manager. The pool belongs to one secret version:
 * when the cache reports a new AWSCURRENT version, new work goes to a new pool and the old one
 * closes once its connections are returned. A refused login forces a secret refresh, and the
 * connection is tried once more if that produced new credentials.
 */
export class Database {
  readonly #options: DatabaseOptions;
  readonly #stats: DatabaseStats = { authRefreshes: 0, poolRebuilds: 0 };
  #current?: CurrentPool;
  #closed = false;

  constructor(options: DatabaseOptions) {
    this.#options = options;
  }

  /** One parameterised statement on a pooled connection. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values: unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    return this.#withConnection((client) => client.query<R>(text, values));
  }

  /**
   * Runs `work` between BEGIN and COMMIT on one connection; any error rolls back and is rethrown.
   * A connection lost on the way is destroyed rather than returned to the pool.
   */
  transaction<T>(work: (client: Queryable) => Promise<T>): Promise<T> {
    return this.#withConnection(async (client) => {
      await client.query('BEGIN');
      try {
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        // If the connection is gone, so is the transaction; the original error is the one to report.
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  stats(): DatabaseStats {
    return { ...this.#stats };
  }

  /** Closes the pool after its connections are returned. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#current?.pool.end();
  }

  async #withConnection<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#connect();
    // pg-pool listens for errors only on idle connections. One that dies while checked out but
    // between queries would emit an 'error' nobody handles, which crashes the process; the query
    // that follows fails with the reason anyway.
    const whileCheckedOut = () => undefined;
    client.on('error', whileCheckedOut);
    let broken: Error | undefined;
    try {
      return await work(client);
    } catch (error) {
      // A statement's own error leaves the connection usable; a lost connection must not be reused.
      if (!isStatementError(error)) broken = error instanceof Error ? error : new Error(String(error));
      throw withoutClient(error);
    } finally {
      client.off('error', whileCheckedOut);
      client.release(broken);
    }
  }

  async #connect(): Promise<pg.PoolClient> {
    const { pool, versionId } = await this.#poolForCurrentSecret();
    try {
      return await pool.connect();
    } catch (error) {
      const { secretId, logger, secrets } = this.#options;
      // A refused token is not helped by signing again: the role or the grant is what is wrong.
      if (!isAuthenticationFailure(error) || !secrets) throw error;
      this.#stats.authRefreshes++;
      logger.warn(
        { secretId, versionId, sqlState: sqlState(error) },
        'database refused the credentials; refreshing the secret',
      );
      const refreshed = await secrets.forceRefresh(
        secretId,
        `database authentication failed (${sqlState(error)})`,
      );
      // Same version: retrying would only be refused again.
      if (refreshed.versionId === versionId) throw error;
      const retry = await this.#poolForCurrentSecret();
      return retry.pool.connect();
    }
  }

  async #poolForCurrentSecret(): Promise<CurrentPool> {
    if (this.#closed) throw new Error('the database pool is closed');
    const { iamAuth, secrets, secretId } = this.#options;
    if (iamAuth) {
      const { token, ...connection } = iamAuth;
      this.#current ??= { versionId: 'iam-auth', pool: this.#createPool({ ...connection, password: token }) };
      return this.#current;
    }
    if (!secrets || secretId === undefined) throw new Error('no credential source: secrets or iamAuth');
    const secret = await secrets.get(secretId);
    // Two callers can get here together; only the first to resume replaces the pool.
    if (this.#current?.versionId !== secret.versionId) this.#replacePool(secret.versionId, secret.value);
    return this.#current as CurrentPool;
  }

  #replacePool(versionId: string, secretValue: string): void {
    const { secretId, logger } = this.#options;
    const credentials = parseDatabaseSecret(secretId ?? '', secretValue);
    if (!credentials.dbname) throw new Error(`secret ${secretId} names no database (dbname)`);
    const pool = this.#createPool({
      host: credentials.host,
      port: credentials.port,
      user: credentials.username,
      password: credentials.password,
      database: credentials.dbname,
    });
    const previous = this.#current;
    this.#current = { versionId, pool };
    if (previous) {
      this.#stats.poolRebuilds++;
      logger.info(
        { secretId, previousVersionId: previous.versionId, versionId },
        'database credentials changed; new connections use the new secret version',
      );
      previous.pool.end().catch((error: unknown) => {
        logger.warn({ err: error }, 'closing the previous database pool failed');
      });
    }
  }

  #createPool(connection: {
    host: string;
    port: number;
    user: string;
    database: string;
    password: string | (() => Promise<string>);
  }): pg.Pool {
    const { logger } = this.#options;
    const pool = new pg.Pool({
      ...connection,
      ssl: this.#options.ssl,
      max: this.#options.poolSize ?? 10,
      connectionTimeoutMillis: this.#options.connectionTimeoutMs ?? 5_000,
      idleTimeoutMillis: this.#options.idleTimeoutMs ?? 30_000,
      statement_timeout: this.#options.statementTimeoutMs ?? 30_000,
      keepAlive: true,
      ...(this.#options.applicationName && { application_name: this.#options.applicationName }),
    });
    // An idle connection that the server drops (restart, pg_terminate_backend) emits here; without a
    // listener that would be an uncaught exception. The pool discards the connection by itself.
    pool.on('error', (error) => {
      logger.warn(
        { err: withoutClient(error), sqlState: sqlState(error) },
        'an idle database connection failed and was dropped',
      );
    });
    return pool;
  }
}
