// The ledger's proxy as the local system and the reporter's tests run it: the front in front of
// the ledger database, answering to the model's proxy resource id, holding the reader's secret as
// RDS Proxy holds it. The secret is read with the platform's administrator client — locally the
// platform plays the RDS service, whose own role (in the CDK app) is the only reader of that secret.
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { ResourceNames } from '@keyless/iam-model';
import type { RdsProxy, RdsProxyOptions } from './rds-proxy-server.ts';
import { startRdsProxy } from './rds-proxy-server.ts';
import { secretCredentials } from './secret-credentials.ts';

export interface LedgerProxyOptions extends Pick<
  RdsProxyOptions,
  'decide' | 'tls' | 'endpointHost' | 'host' | 'port' | 'trail' | 'onConnect'
> {
  names: Pick<ResourceNames, 'readerSecret' | 'readerDbUser' | 'ledgerProxyResourceId'>;
  /** Reads the secrets the proxy holds (the emulator's administrator locally). */
  secretsManager: SecretsManagerClient;
  database: { host: string; port: number };
}

export function startLedgerProxy(options: LedgerProxyOptions): Promise<RdsProxy> {
  const { names, secretsManager, database, ...front } = options;
  return startRdsProxy({
    ...front,
    resourceId: names.ledgerProxyResourceId,
    upstream: database,
    credentialFor: secretCredentials({
      client: secretsManager,
      secretIdByUser: { [names.readerDbUser]: names.readerSecret },
    }),
  });
}
