// The migrations on a real PostgreSQL: the tables, the grants each ledger user gets (and does not
// get), and the migration command as a deployment runs it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { CreateSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sqlState } from '../src/index.ts';
import { migrate } from '../src/migrate.ts';
import { emulatorAccountId } from '@keyless/local-platform';
import {
  ledgerNeeds,
  startLedgerTestPlatform,
  type LedgerTestPlatform,
} from '../src/testing/ledger-test-platform.ts';
import { emulatorSuite } from '@keyless/testing/emulator-suite';

emulatorSuite(ledgerNeeds, () => {
  let ledger: LedgerTestPlatform;
  const clients: pg.Client[] = [];

  beforeAll(async () => {
    ledger = await startLedgerTestPlatform();
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.end()));
    await ledger?.stop();
  });

  async function connect(connectionString: string): Promise<pg.Client> {
    const client = new pg.Client({ connectionString });
    await client.connect();
    clients.push(client);
    return client;
  }

  async function loginWithSecret(secretId: string): Promise<pg.Client> {
    const { SecretString } = await ledger.admin.secretsManager.send(
      new GetSecretValueCommand({ SecretId: secretId }),
    );
    const secret = JSON.parse(SecretString ?? '{}') as Record<string, string>;
    const client = new pg.Client({
      host: secret.host,
      port: Number(secret.port),
      user: secret.username,
      password: secret.password,
      database: secret.dbname,
    });
    await client.connect();
    clients.push(client);
    return client;
  }

  /** A fresh, empty database on the same server, for tests that migrate from nothing. */
  async function emptyDatabase(): Promise<string> {
    const name = `migrate_${Math.random().toString(36).slice(2, 10)}`;
    const superuser = await connect(ledger.ledgerAdminUrl);
    await superuser.query(`CREATE DATABASE ${name}`);
    const url = new URL(ledger.ledgerAdminUrl);
    url.pathname = `/${name}`;
    return url.toString();
  }

  async function refusal(
    client: pg.Client,
    sql: string,
    values: unknown[] = [],
  ): Promise<string | undefined> {
    return client.query(sql, values).then(
      () => undefined,
      (error: unknown) => sqlState(error),
    );
  }

  const event = [
    'key-grants',
    'owner-1',
    'upload-1',
    'incoming/owner-1/upload-1',
    12,
    'b'.repeat(64),
    'text/plain',
    '2026-03-01T10:00:00Z',
  ];
  const insertEvent = `INSERT INTO upload_events
  (idempotency_key, owner_sub, upload_id, object_key, bytes, sha256, content_type, occurred_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`;

  describe('schema', () => {
    test('upload_events and user_usage have the columns the ledger needs', async () => {
      const superuser = await connect(ledger.ledgerAdminUrl);
      const { rows } = await superuser.query<{ table_name: string; column_name: string }>(
        `SELECT table_name, column_name FROM information_schema.columns
       WHERE table_name IN ('upload_events', 'user_usage') ORDER BY table_name, ordinal_position`,
      );
      const columns = (table: string) => rows.filter((r) => r.table_name === table).map((r) => r.column_name);
      expect(columns('upload_events')).toEqual([
        'idempotency_key',
        'owner_sub',
        'upload_id',
        'object_key',
        'bytes',
        'sha256',
        'content_type',
        'occurred_at',
        'recorded_at',
      ]);
      expect(columns('user_usage')).toEqual(['owner_sub', 'uploads_count', 'bytes_total', 'updated_at']);
    });

    test('the idempotency key is the primary key: a second insert of the same key is refused', async () => {
      const superuser = await connect(ledger.ledgerAdminUrl);
      const row = ['key-pk', ...event.slice(1)];
      await superuser.query(insertEvent, row);
      expect(await refusal(superuser, insertEvent, row)).toBe('23505');
    });
  });

  describe('grants', () => {
    test('ledger_writer appends to the ledger and maintains totals', async () => {
      const writer = await loginWithSecret(ledger.resources.names.writerSecret);
      await writer.query(insertEvent, event);
      await writer.query(
        `INSERT INTO user_usage (owner_sub, uploads_count, bytes_total) VALUES ($1, 1, 12)
       ON CONFLICT (owner_sub) DO UPDATE SET uploads_count = user_usage.uploads_count + 1`,
        ['owner-1'],
      );
      const { rows } = await writer.query('SELECT owner_sub FROM upload_events WHERE idempotency_key = $1', [
        'key-grants',
      ]);
      expect(rows).toEqual([{ owner_sub: 'owner-1' }]);
    });

    test.each([
      ['change a ledger row', 'UPDATE upload_events SET bytes = 0'],
      ['delete a ledger row', 'DELETE FROM upload_events'],
      ['delete totals', 'DELETE FROM user_usage'],
      ['truncate the ledger', 'TRUNCATE upload_events'],
      ['drop a table', 'DROP TABLE user_usage'],
      ['create a table', 'CREATE TABLE shadow (id int)'],
      ['read the migrations table', 'SELECT * FROM pgmigrations'],
    ])('ledger_writer is denied: %s', async (_, sql) => {
      const writer = await loginWithSecret(ledger.resources.names.writerSecret);
      // 42501 insufficient_privilege; dropping someone else's table is 42501 too (must be owner).
      expect(await refusal(writer, sql)).toBe('42501');
    });

    test('ledger_reader reads both tables', async () => {
      const reader = await loginWithSecret(ledger.resources.names.readerSecret);
      const { rows } = await reader.query('SELECT uploads_count FROM user_usage WHERE owner_sub = $1', [
        'owner-1',
      ]);
      expect(rows).toHaveLength(1);
      await reader.query('SELECT count(*) FROM upload_events');
    });

    test.each([
      ['insert into the ledger', insertEvent, ['key-reader', ...event.slice(1)]],
      ['update totals', 'UPDATE user_usage SET bytes_total = 0', []],
      ['insert totals', "INSERT INTO user_usage VALUES ('x', 1, 1, now())", []],
      ['delete from the ledger', 'DELETE FROM upload_events', []],
      ['create a table', 'CREATE TABLE shadow (id int)', []],
    ])('ledger_reader is denied: %s', async (_, sql, values) => {
      const reader = await loginWithSecret(ledger.resources.names.readerSecret);
      expect(await refusal(reader, sql, values)).toBe('42501');
    });
  });

  describe('running migrations', () => {
    test('a second run has nothing to do', async () => {
      expect(await migrate({ connection: ledger.ledgerAdminUrl })).toEqual([]);
    });

    test('two concurrent runs apply each migration exactly once', async () => {
      const url = await emptyDatabase();
      const [first, second] = await Promise.all([migrate({ connection: url }), migrate({ connection: url })]);
      expect([...first, ...second]).toEqual(['0001_ledger-tables']);
    });

    async function cli(args: string[], env: Record<string, string>) {
      const child = spawn(process.execPath, [join(import.meta.dirname, '..', 'src', 'cli.ts'), ...args], {
        env: { PATH: process.env.PATH, ...env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const [code] = (await once(child, 'close')) as [number | null];
      return { code, stdout, stderr };
    }

    test('the migrate command applies, re-runs as a no-op, and reverts', async () => {
      const url = await emptyDatabase();
      expect(await cli(['up'], { DATABASE_URL: url })).toMatchObject({
        code: 0,
        stdout: 'migrated up: 0001_ledger-tables\n',
      });
      expect(await cli(['up'], { DATABASE_URL: url })).toMatchObject({
        code: 0,
        stdout: 'no migrations to run\n',
      });
      expect(await cli(['down'], { DATABASE_URL: url })).toMatchObject({
        code: 0,
        stdout: 'migrated down: 0001_ledger-tables\n',
      });
      const check = await connect(url);
      const { rows } = await check.query("SELECT to_regclass('upload_events') AS t");
      expect(rows).toEqual([{ t: null }]);
    });

    test('the migrate command reads an RDS-style secret with the default credential chain', async () => {
      const url = await emptyDatabase();
      const database = new URL(url).pathname.slice(1);
      const admin = new URL(ledger.ledgerAdminUrl);
      const secretId = ledger.platform.uniqueName('ledger/master');
      await ledger.admin.secretsManager.send(
        new CreateSecretCommand({
          Name: secretId,
          SecretString: JSON.stringify({
            engine: 'postgres',
            host: admin.hostname,
            port: Number(admin.port),
            username: decodeURIComponent(admin.username),
            password: decodeURIComponent(admin.password),
          }),
        }),
      );
      const result = await cli(['up'], {
        MIGRATION_SECRET_ID: secretId,
        MIGRATION_DATABASE: database,
        DB_SSL_MODE: 'disable',
        AWS_REGION: ledger.platform.region,
        AWS_ENDPOINT_URL: ledger.platform.awsEndpoint,
        // Emulator credentials for this child only: the default chain reads them from its environment.
        // A 12-digit key id: LocalStack serves any other from account 000000000000 (docs/emulators.md).
        AWS_ACCESS_KEY_ID: emulatorAccountId,
        AWS_SECRET_ACCESS_KEY: 'migration-test',
      });
      expect(result).toMatchObject({ code: 0, stderr: '', stdout: 'migrated up: 0001_ledger-tables\n' });
    });

    test('the migrate command refuses to guess where to connect', async () => {
      const neither = await cli(['up'], {});
      expect(neither.code).toBe(1);
      expect(neither.stderr).toContain(
        'DATABASE_URL: set exactly one of DATABASE_URL and MIGRATION_SECRET_ID',
      );
      const both = await cli(['up'], { DATABASE_URL: 'postgres://x@127.0.0.1/x', MIGRATION_SECRET_ID: 's' });
      expect(both.code).toBe(1);
      expect(both.stderr).toContain('AWS_REGION: required with MIGRATION_SECRET_ID');
      const badDirection = await cli(['sideways'], {});
      expect(badDirection).toMatchObject({
        code: 2,
        stderr: expect.stringContaining('usage: cli.ts [up|down]'),
      });
    });
  });
});
