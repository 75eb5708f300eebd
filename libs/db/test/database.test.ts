// The pool against a real PostgreSQL whose credentials live in a real (emulated) Secrets Manager.
import { once } from 'node:events';
import { setTimeout } from 'node:timers/promises';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
} from '@aws-sdk/client-secrets-manager';
import { adminClients } from '@keyless/local-platform';
import { SecretCache } from '@keyless/secrets';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { Database, isAuthenticationFailure, type PoolOptions } from '../src/index.ts';
import {
  ledgerNeeds,
  startLedgerTestPlatform,
  type LedgerTestPlatform,
} from '../src/testing/ledger-test-platform.ts';
import { emulatorSuite } from '@keyless/testing/emulator-suite';

emulatorSuite(ledgerNeeds, () => {
  let ledger: LedgerTestPlatform;
  let superuser: pg.Client;
  const open: Database[] = [];

  beforeAll(async () => {
    ledger = await startLedgerTestPlatform();
    superuser = new pg.Client({ connectionString: ledger.ledgerAdminUrl });
    await superuser.connect();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((db) => db.close()));
  });
  afterAll(async () => {
    await superuser?.end();
    await ledger?.stop();
  });

  interface LogLine {
    level: string;
    details: Record<string, unknown>;
    message: string;
  }

  /** A Database on its own secret copy, with its own counted Secrets Manager client and log. */
  async function databaseFor(secretValue: string, options: Partial<PoolOptions> = {}) {
    const secretId = `test/db-${Math.random().toString(36).slice(2)}`;
    await ledger.admin.secretsManager.send(
      new CreateSecretCommand({ Name: secretId, SecretString: secretValue }),
    );
    const client = adminClients({
      endpoint: ledger.platform.awsEndpoint,
      region: ledger.platform.region,
    }).secretsManager;
    const calls: string[] = [];
    client.middlewareStack.add(
      (next, context) => (args) => {
        calls.push(context.commandName ?? 'unknown');
        return next(args);
      },
      { step: 'initialize', name: 'countCalls' },
    );
    const logs: LogLine[] = [];
    const logger = {
      info: (details: object, message: string) =>
        logs.push({ level: 'info', details: { ...details }, message }),
      warn: (details: object, message: string) =>
        logs.push({ level: 'warn', details: { ...details }, message }),
    };
    const secrets = new SecretCache({ client, logger, forcedRefreshIntervalMs: 60_000 });
    const db = new Database({ secrets, secretId, logger, ssl: false, ...options });
    open.push(db);
    return { db, secretId, calls, logs };
  }

  async function writerSecret(): Promise<Record<string, unknown>> {
    const { SecretString } = await ledger.admin.secretsManager.send(
      new GetSecretValueCommand({ SecretId: ledger.resources.names.writerSecret }),
    );
    return JSON.parse(SecretString ?? '{}') as Record<string, unknown>;
  }

  /** A login role of its own for tests that change its password. */
  async function loginRole(password: string) {
    const role = `rotating_${Math.random().toString(36).slice(2, 8)}`;
    await superuser.query(`CREATE ROLE ${role} LOGIN PASSWORD ${superuser.escapeLiteral(password)}`);
    const base = await writerSecret();
    return { role, secret: (pw: string) => JSON.stringify({ ...base, username: role, password: pw }) };
  }

  async function terminateSessionsOf(role: string): Promise<void> {
    await superuser.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [
      role,
    ]);
  }

  describe('queries with credentials from Secrets Manager', () => {
    test('the pool logs in as the user the secret names', async () => {
      const { db } = await databaseFor(JSON.stringify(await writerSecret()));
      const { rows } = await db.query<{ current_user: string }>('SELECT current_user');
      expect(rows[0]?.current_user).toBe(ledger.resources.database.writer);
    });

    test('a transaction commits as a whole, and a failing one leaves nothing behind', async () => {
      const { db } = await databaseFor(JSON.stringify(await writerSecret()));
      const owner = `owner-${Math.random()}`;
      await expect(
        db.transaction(async (client) => {
          await client.query(
            'INSERT INTO user_usage (owner_sub, uploads_count, bytes_total) VALUES ($1, 1, 10)',
            [owner],
          );
          await client.query('SELECT 1/0');
        }),
      ).rejects.toThrow(/division by zero/);
      const { rowCount } = await db.query('SELECT 1 FROM user_usage WHERE owner_sub = $1', [owner]);
      expect(rowCount).toBe(0);

      await db.transaction((client) =>
        client.query('INSERT INTO user_usage (owner_sub, uploads_count, bytes_total) VALUES ($1, 1, 10)', [
          owner,
        ]),
      );
      const after = await db.query('SELECT 1 FROM user_usage WHERE owner_sub = $1', [owner]);
      expect(after.rowCount).toBe(1);
    });

    test('a secret that is not a PostgreSQL secret is refused naming the fields, not their values', async () => {
      const { db } = await databaseFor(JSON.stringify({ host: '127.0.0.1', password: 'hunter2-secret' }));
      const failure = await db.query('SELECT 1').catch((error: unknown) => error);
      expect(String(failure)).toMatch(/not a PostgreSQL secret \(bad fields: port, username\)/);
      expect(String(failure)).not.toContain('hunter2');
    });

    test('opening a connection gives up after connectionTimeoutMs instead of hanging', async () => {
      // A TCP server that accepts and then never says a word, like a black-holed database.
      const sockets: Socket[] = [];
      const silent: Server = createServer((socket) => sockets.push(socket)).listen(0, '127.0.0.1');
      await once(silent, 'listening');
      try {
        const port = (silent.address() as AddressInfo).port;
        const secret = { ...(await writerSecret()), host: '127.0.0.1', port };
        const { db } = await databaseFor(JSON.stringify(secret), { connectionTimeoutMs: 300 });
        await expect(db.query('SELECT 1')).rejects.toThrow(/timeout/i);
      } finally {
        sockets.forEach((socket) => socket.destroy());
        silent.close();
      }
    });
  });

  describe('authentication failures (as after a rotation) and lost connections', () => {
    test('a refused login forces one secret refresh, rebuilds the pool and retries once', async () => {
      const { role, secret } = await loginRole('first-password');
      const { db, secretId, calls, logs } = await databaseFor(secret('first-password'));
      await db.query('SELECT 1');

      // The password changes in the database and in the secret; the pool still holds the old one.
      await superuser.query(`ALTER ROLE ${role} PASSWORD 'second-password'`);
      await ledger.admin.secretsManager.send(
        new PutSecretValueCommand({ SecretId: secretId, SecretString: secret('second-password') }),
      );
      await terminateSessionsOf(role);
      // Wait until the pool has noticed, so the next query needs a new connection (a new login).
      await expect
        .poll(() => logs.filter((l) => l.message.includes('idle database connection')).length)
        .toBe(1);
      logs.length = 0;

      const { rows } = await db.query<{ current_user: string }>('SELECT current_user');
      expect(rows[0]?.current_user).toBe(role);
      expect(db.stats()).toEqual({ authRefreshes: 1, poolRebuilds: 1 });
      expect(calls.filter((c) => c === 'GetSecretValueCommand')).toHaveLength(2);
      expect(logs.map((l) => l.message)).toEqual([
        'database refused the credentials; refreshing the secret',
        'secret refreshed on demand',
        'database credentials changed; new connections use the new secret version',
      ]);
      expect(logs[0]?.details).toMatchObject({ secretId, sqlState: '28P01' });
    });

    test('when the refreshed secret is unchanged, the refusal is returned without a futile retry', async () => {
      const { role, secret } = await loginRole('right-password');
      const { db, calls } = await databaseFor(secret('wrong-password'));
      const failure = await db.query('SELECT 1').catch((error: unknown) => error);
      expect(isAuthenticationFailure(failure)).toBe(true);
      expect(String(failure)).toContain(role);

      // A storm of further failures does not reach Secrets Manager again inside the rate limit.
      await Promise.all(Array.from({ length: 5 }, () => db.query('SELECT 1').catch(() => undefined)));
      expect(calls.filter((c) => c === 'GetSecretValueCommand')).toHaveLength(2);
      expect(db.stats()).toEqual({ authRefreshes: 6, poolRebuilds: 0 });
    });

    test('a connection that dies while checked out between statements fails the next one, not the process', async () => {
      const { secret } = await loginRole('checked-out-password');
      const { db } = await databaseFor(secret('checked-out-password'));
      const failure = await db
        .transaction(async (tx) => {
          const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
          await superuser.query('SELECT pg_terminate_backend($1)', [rows[0]?.pid]);
          // The server closes the socket while no statement is running on it.
          await setTimeout(300);
          await tx.query('SELECT 1');
        })
        .catch((error: unknown) => error);
      expect(String(failure)).toMatch(/terminat|not queryable/i);
      expect(failure).not.toHaveProperty('client');
      const { rows } = await db.query<{ n: number }>('SELECT 1 AS n');
      expect(rows[0]?.n).toBe(1);
    });

    test('an idle connection killed by the server is dropped, logged, and replaced on the next query', async () => {
      const { role, secret } = await loginRole('idle-password');
      const { db, logs } = await databaseFor(secret('idle-password'));
      await Promise.all([db.query('SELECT 1'), db.query('SELECT 2')]);
      await terminateSessionsOf(role);
      await expect
        .poll(() => logs.filter((l) => l.message.includes('idle database connection')).length)
        .toBe(2);
      const { rows } = await db.query<{ n: number }>('SELECT 1 AS n');
      expect(rows[0]?.n).toBe(1);
    });
  });

  describe('IAM database authentication: a token per connection, no secret', () => {
    async function iamDatabase(token: () => Promise<string>) {
      const writer = await writerSecret();
      const logger = { info: () => undefined, warn: () => undefined };
      const db = new Database({
        iamAuth: {
          host: String(writer.host),
          port: Number(writer.port),
          database: String(writer.dbname),
          user: String(writer.username),
          token,
        },
        logger,
        ssl: false,
        poolSize: 2,
      });
      open.push(db);
      return { db, password: String(writer.password) };
    }

    test('asks for a token for every new connection, and only then', async () => {
      let password = '';
      const minted: number[] = [];
      const { db, password: actual } = await iamDatabase(async () => {
        minted.push(minted.length);
        return password;
      });
      password = actual;
      // Two at once: two connections, two tokens; a third query reuses an idle connection.
      await Promise.all([db.query('SELECT 1'), db.query('SELECT 2')]);
      await db.query('SELECT 1');
      expect(minted).toHaveLength(2);
    });

    test('a refused token is reported as is: signing again would not help', async () => {
      let calls = 0;
      const { db } = await iamDatabase(async () => {
        calls++;
        return 'not-the-password';
      });
      const error = await db.query('SELECT 1').catch((reason: unknown) => reason);
      expect(isAuthenticationFailure(error)).toBe(true);
      expect(calls).toBe(1);
      expect(db.stats().authRefreshes).toBe(0);
    });
  });
});
