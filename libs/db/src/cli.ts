// `nx run db:migrate` (or `node src/cli.ts up|down`): the migration step of a deployment, run once
// before new replicas start, never by the replicas themselves.
import { awsSettingsFrom, createSecretsManagerClient } from '@keyless/aws';
import { loadConfig } from '@keyless/config';
import { SecretCache } from '@keyless/secrets';
import type { ClientConfig } from 'pg';
import { parseDatabaseSecret } from './database-secret.ts';
import { migrate } from './migrate.ts';
import { migrateEnv, type MigrateEnv } from './migrate-config.ts';
import { tlsOptions } from './tls-options.ts';

async function connectionFor(config: MigrateEnv): Promise<string | ClientConfig> {
  if (config.DATABASE_URL) return config.DATABASE_URL;
  const secretId = config.MIGRATION_SECRET_ID as string;
  const client = createSecretsManagerClient(awsSettingsFrom({ AWS_REGION: config.AWS_REGION as string }));
  const secret = parseDatabaseSecret(secretId, (await new SecretCache({ client }).get(secretId)).value);
  return {
    host: secret.host,
    port: secret.port,
    user: secret.username,
    password: secret.password,
    database: config.MIGRATION_DATABASE,
    ssl: tlsOptions(config),
  };
}

const direction = process.argv[2] ?? 'up';
if (direction !== 'up' && direction !== 'down') {
  console.error(`usage: cli.ts [up|down]   (got "${direction}")`);
  process.exit(2);
}
const config = loadConfig(migrateEnv);
try {
  const ran = await migrate({ connection: await connectionFor(config), direction, log: () => undefined });
  console.log(ran.length ? `migrated ${direction}: ${ran.join(', ')}` : 'no migrations to run');
} catch (error) {
  console.error(`migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
