// The ledger's RDS Proxy, locally: the front of local/rds-proxy in front of the platform's
// PostgreSQL, deciding each IAM token with the permission gate's own sessions and role policies and
// recording each connection in the same trail. The usage-reporter reaches the ledger only through it.
import type { DecideDeps, LocalTls, TrailWriter } from '@keyless/permission-gate';
import type { PlatformDescription } from '@keyless/local-platform';
import type { Logger } from '@keyless/logging';
import { startLedgerProxy, type RdsProxy } from '@keyless/rds-proxy';
import { adminClients } from '@keyless/emulator-admin';

export interface LedgerProxyDescription {
  /** The host name tokens are signed for (the certificate names it) and its port. */
  host: string;
  port: number;
  /** `host:port`, what `aws rds generate-db-auth-token --hostname … --port …` must be given. */
  endpoint: string;
  /** The proxy's resource id in the dbuser ARN `rds-db:connect` is decided on. */
  resourceId: string;
}

export async function startSystemLedgerProxy(options: {
  platform: PlatformDescription;
  decide: DecideDeps;
  tls: LocalTls;
  trail: TrailWriter;
  logger: Logger;
  bindHost: string;
  /** The host other processes reach it at (compose: the container's name); default localhost. */
  advertisedHost?: string;
  port?: number;
}): Promise<{ proxy: RdsProxy; description: LedgerProxyDescription; stop(): Promise<void> }> {
  const { platform } = options;
  const admin = adminClients({ endpoint: platform.endpoints.aws, region: platform.region });
  const { database } = platform.resources;
  const host = options.advertisedHost ?? 'localhost';
  const proxy = await startLedgerProxy({
    endpointHost: host,
    host: options.bindHost,
    port: options.port ?? 0,
    tls: options.tls,
    names: platform.resources.names,
    decide: options.decide,
    secretsManager: admin.secretsManager,
    database: { host: database.host, port: database.port },
    trail: options.trail,
    onConnect: (event) =>
      options.logger[event.outcome === 'refused' ? 'warn' : 'info'](
        { ...event },
        `ledger proxy: ${event.outcome}`,
      ),
  });
  return {
    proxy,
    description: { host, port: proxy.port, endpoint: proxy.endpoint, resourceId: proxy.resourceId },
    async stop() {
      await proxy.stop();
      for (const client of Object.values(admin)) client.destroy();
    },
  };
}
