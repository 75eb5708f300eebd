import { join } from 'node:path';
import { repoRoot } from '@keyless/local-platform';
import { startServiceProcess, type OutputLine } from './service-process.ts';
import type { SystemDescription } from './start-system.ts';

/**
 * What every local service gets besides its credentials: the region, the permission gate over
 * HTTPS as its AWS endpoint (every call signed, decided and recorded; web-identity federation
 * reaches the STS front through it) with the local CA to trust, and where its spans go. Service code cannot tell this
 * from AWS, where the same variables are simply absent or point at AWS.
 */
export function serviceEnvironment(d: SystemDescription, service: string): Record<string, string> {
  return {
    AWS_REGION: d.region,
    AWS_ENDPOINT_URL: d.identity.gateTlsEndpoint,
    AWS_ENDPOINT_URL_STS: d.identity.gateTlsEndpoint,
    NODE_EXTRA_CA_CERTS: d.identity.caFile,
    DEPLOY_ENV: 'local',
    LOG_LEVEL: 'info',
    OTEL_SERVICE_NAME: service,
    ...(d.tracesFile && { KEYLESS_TRACES_FILE: d.tracesFile }),
  };
}

/**
 * A queue URL on the permission gate's origin: the SQS client sends each call to its QueueUrl's
 * host (not to AWS_ENDPOINT_URL) when the two differ, which would go around the gate.
 */
export function viaGate(d: SystemDescription, queueUrl: string): string {
  return new URL(new URL(queueUrl).pathname, d.identity.gateTlsEndpoint).toString();
}

/**
 * One run of the usage-reporter, as its Kubernetes Job would be: only the pod's IRSA variables
 * (role ARN + projected token file) for credentials. Resolves to the exit code.
 */
export async function runUsageReporter(
  d: SystemDescription,
  output: OutputLine,
  tokenFile: string,
): Promise<number> {
  const reporter = await startServiceProcess(
    {
      name: 'usage-reporter',
      args: ['--import', '@keyless/telemetry/register', 'src/main.ts'],
      cwd: join(repoRoot, 'apps/usage-reporter'),
      env: {
        ...serviceEnvironment(d, 'usage-reporter'),
        AWS_ROLE_ARN: d.identity.irsa.AWS_ROLE_ARN,
        AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
        FILES_BUCKET: d.resources.names.bucket,
        // The ledger through its proxy, with an IAM token: what the CronJob's manifest sets on EKS.
        LEDGER_PROXY_HOST: d.identity.ledgerProxy.host,
        LEDGER_PROXY_PORT: String(d.identity.ledgerProxy.port),
        LEDGER_DB_NAME: d.resources.database.name,
        DB_SSL_CA_FILE: d.identity.caFile,
      },
    },
    output,
  );
  return new Promise((resolveExit) => {
    if (reporter.child.exitCode !== null) resolveExit(reporter.child.exitCode);
    else reporter.child.once('exit', (code) => resolveExit(code ?? 1));
  });
}
