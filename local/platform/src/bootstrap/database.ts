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

export const ledgerDatabase = 'ledger';

/** The two database users (writer, reader), each with its own Secrets Manager secret. */
export const databaseUsers = [
  { role: 'ledger_writer', secretKey: 'writerSecret' },
  { role: 'ledger_reader', secretKey: 'readerSecret' },
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

async function ensureDatabaseExists(admin: pg.Client): Promise<void> {
  const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [ledgerDatabase]);
  if (!rowCount) await admin.query(`CREATE DATABASE ${ledgerDatabase}`);
}

/** Creates or converges a login role to `password` (DDL cannot take bind parameters). */
async function ensureLoginRole(admin: pg.Client, role: string, password: string): Promise<void> {
  const { rowCount } = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  const verb = rowCount ? 'ALTER' : 'CREATE';
  await admin.query(`${verb} ROLE ${role} LOGIN PASSWORD ${admin.escapeLiteral(password)}`);
  await admin.query(`GRANT CONNECT ON DATABASE ${ledgerDatabase} TO ${role}`);
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
): Promise<Record<'writerSecret' | 'readerSecret', string>> {
  const admin = new pg.Client({ connectionString: database.adminUrl });
  await admin.connect();
  const arns = {} as Record<'writerSecret' | 'readerSecret', string>;
  try {
    await ensureDatabaseExists(admin);
    for (const { role, secretKey } of databaseUsers) {
      const name = secretNames[secretKey];
      const stored = await storedSecret(sm, name);
      const secret: DatabaseSecret = {
        engine: 'postgres',
        host: database.host,
        port: database.port,
        username: role,
        password: stored?.password ?? randomBytes(24).toString('base64url'),
        dbname: ledgerDatabase,
      };
      await ensureLoginRole(admin, role, secret.password);
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
