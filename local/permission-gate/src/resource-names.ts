// What a request names but does not spell out, looked up before it is resolved: a table's
// partition key (for dynamodb:LeadingKeys) and a secret's full ARN with AWS's random suffix (so a
// policy naming that exact ARN matches a request by name). Read from the emulator as its
// administrator, and remembered: neither changes while a table or secret exists.
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { GateRequest } from './gate-request.ts';

export interface ResourceNames {
  /** Looks up what this request names; resolves when keySchema and secretArn can answer for it. */
  prepare(service: string, request: GateRequest): Promise<void>;
  keySchema(table: string, index?: string): string | undefined;
  secretArn(idOrName: string): string | undefined;
}

interface TableKeys {
  table?: string;
  indexes: Map<string, string>;
}

export function resourceNamesFromEmulator(clients: {
  dynamodb: DynamoDBClient;
  secretsManager: SecretsManagerClient;
}): ResourceNames {
  const tables = new Map<string, TableKeys>();
  const secrets = new Map<string, string>();

  async function describeTable(name: string): Promise<void> {
    if (tables.has(name)) return;
    const { Table } = await clients.dynamodb
      .send(new DescribeTableCommand({ TableName: name }))
      .catch(() => ({ Table: undefined }));
    if (!Table) return;
    const hashOf = (schema: typeof Table.KeySchema) =>
      schema?.find((key) => key.KeyType === 'HASH')?.AttributeName;
    const indexes = new Map<string, string>();
    for (const index of [...(Table.GlobalSecondaryIndexes ?? []), ...(Table.LocalSecondaryIndexes ?? [])]) {
      const hash = hashOf(index.KeySchema);
      if (index.IndexName && hash) indexes.set(index.IndexName, hash);
    }
    tables.set(name, { table: hashOf(Table.KeySchema), indexes });
  }

  async function describeSecret(id: string): Promise<void> {
    if (secrets.has(id)) return;
    const { ARN } = await clients.secretsManager
      .send(new DescribeSecretCommand({ SecretId: id }))
      .catch(() => ({ ARN: undefined }));
    if (ARN) secrets.set(id, ARN);
  }

  return {
    async prepare(service, request) {
      if (service !== 'dynamodb' && service !== 'secretsmanager') return;
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(request.body.toString('utf8')) as Record<string, unknown>;
      } catch {
        return; // the resolver answers a body it cannot read
      }
      if (service === 'secretsmanager' && typeof body.SecretId === 'string')
        await describeSecret(body.SecretId);
      if (service === 'dynamodb') {
        const names = [
          ...(typeof body.TableName === 'string' ? [body.TableName] : []),
          ...Object.keys((body.RequestItems as Record<string, unknown> | undefined) ?? {}),
        ];
        await Promise.all(names.map(describeTable));
      }
    },
    keySchema: (table, index) => (index ? tables.get(table)?.indexes.get(index) : tables.get(table)?.table),
    secretArn: (idOrName) => secrets.get(idOrName),
  };
}
