import { randomBytes } from 'node:crypto';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import pg from 'pg';

/** The ledger database and its two login users. */
export interface LedgerNames {
  database: string;
  writer: string;
  reader: string;
}

/**
 * The names a deployment uses; the migrations grant to these two roles. Other names (a test run's
 * own, on a shared server) get login users that are members of them: the grants reach them, and
 * neither their passwords nor their database collide with another run's.
 */
export const defaultLedgerNames: Readonly<LedgerNames> = {
  database: 'ledger',
  writer: 'ledger_writer',
  reader: 'ledger_reader',
};

/** The ledger's users (writer, reader), each with its own Secrets Manager secret. */
const databaseUsers = [
  { user: 'writer', secretKey: 'writerSecret' },
  { user: 'reader', secretKey: 'readerSecret' },
] as const;

export interface DatabaseEndpoint {
  host: string;
  port: number;
  adminUrl: string;
}

/** The shape RDS-managed secrets use, so code reading it works unchanged against RDS. */
export interface DatabaseSecret {
  engine: 'postgres';
  host: string;
  port: number;
  username: string;
  password: string;
  dbname: string;
}

async function storedSecret(
  sm: SecretsManagerClient,
  secretName: string,
): Promise<DatabaseSecret | undefined> {
  try {
    const { SecretString } = await sm.send(new GetSecretValueCommand({ SecretId: secretName }));
    return SecretString ? (JSON.parse(SecretString) as DatabaseSecret) : undefined;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

const identifier = /^[a-z_][a-z0-9_]{0,62}$/;

function checkNames(ledger: LedgerNames): void {
  for (const name of Object.values(ledger)) {
    if (!identifier.test(name)) throw new Error(`not a plain PostgreSQL identifier: ${name}`);
  }
}

async function ensureDatabaseExists(admin: pg.Client, database: string): Promise<void> {
  const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
  if (!rowCount) await admin.query(`CREATE DATABASE ${database}`);
}

/** A role without login, if missing (two runs may race to create it: the loser finds it made). */
async function ensureGroupRole(admin: pg.Client, role: string): Promise<void> {
  const { rowCount } = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  if (rowCount) return;
  await admin.query(`CREATE ROLE ${role} NOLOGIN`).catch((error: { code?: string }) => {
    if (error.code !== '42710' && error.code !== '23505') throw error;
  });
}

/**
 * Creates or converges a login role to `password` (DDL cannot take bind parameters); a role of
 * other than the deployment's name becomes a member of that one, whose grants the migrations give.
 */
async function ensureLoginRole(
  admin: pg.Client,
  ledger: LedgerNames,
  user: 'writer' | 'reader',
  password: string,
): Promise<void> {
  const role = ledger[user];
  const { rowCount } = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  const verb = rowCount ? 'ALTER' : 'CREATE';
  await admin.query(`${verb} ROLE ${role} LOGIN PASSWORD ${admin.escapeLiteral(password)}`);
  await admin.query(`GRANT CONNECT ON DATABASE ${ledger.database} TO ${role}`);
  const granted = defaultLedgerNames[user];
  if (role !== granted) {
    await ensureGroupRole(admin, granted);
    await admin.query(`GRANT ${granted} TO ${role}`);
  }
}

/** Drops a run's own ledger database and users (never the deployment's names). */
export async function dropLedger(adminUrl: string, ledger: LedgerNames): Promise<void> {
  checkNames(ledger);
  if (Object.values(ledger).some((name) => Object.values(defaultLedgerNames).includes(name))) {
    throw new Error(`refusing to drop the deployment's own ledger names: ${JSON.stringify(ledger)}`);
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${ledger.database} WITH (FORCE)`);
    await admin.query(`DROP ROLE IF EXISTS ${ledger.writer}`);
    await admin.query(`DROP ROLE IF EXISTS ${ledger.reader}`);
  } finally {
    await admin.end();
  }
}

/**
 * Ensures the ledger database, its users, and one secret per user. A re-run keeps each secret's
 * password, converges the database role to it and points the secret at the current server, so a
 * fresh database behind an already-bootstrapped emulator works.
 */
export async function ensureDatabaseAndSecrets(
  sm: SecretsManagerClient,
  database: DatabaseEndpoint,
  secretNames: { writerSecret: string; readerSecret: string },
  ledger: LedgerNames = defaultLedgerNames,
): Promise<Record<'writerSecret' | 'readerSecret', string>> {
  checkNames(ledger);
  const admin = new pg.Client({ connectionString: database.adminUrl });
  await admin.connect();
  const arns = {} as Record<'writerSecret' | 'readerSecret', string>;
  try {
    await ensureDatabaseExists(admin, ledger.database);
    for (const { user, secretKey } of databaseUsers) {
      const name = secretNames[secretKey];
      const stored = await storedSecret(sm, name);
      const secret: DatabaseSecret = {
        engine: 'postgres',
        host: database.host,
        port: database.port,
        username: ledger[user],
        password: stored?.password ?? randomBytes(24).toString('base64url'),
        dbname: ledger.database,
      };
      await ensureLoginRole(admin, ledger, user, secret.password);
      const SecretString = JSON.stringify(secret);
      if (!stored) await sm.send(new CreateSecretCommand({ Name: name, SecretString }));
      else if (JSON.stringify(stored) !== SecretString) {
        await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString }));
      }
      const { ARN } = await sm.send(new DescribeSecretCommand({ SecretId: name }));
      if (!ARN) throw new Error(`no ARN for secret ${name}`);
      arns[secretKey] = ARN;
    }
  } finally {
    await admin.end();
  }
  return arns;
}
