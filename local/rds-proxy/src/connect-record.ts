// A connection attempt as a CloudTrail-shaped record in the local trail, allowed or refused, so
// `npm run trail -- --denied` shows a refused token beside a refused API call. (On AWS, IAM
// database authentication is not logged to CloudTrail; the proxy's CloudWatch log says why instead.)
import { cloudTrailRecord, type CloudTrailRecord } from '@keyless/permission-gate';
import type { TokenCheck } from './check-token.ts';

export function connectRecord(
  check: TokenCheck,
  context: {
    region: string;
    sourceIp: string;
    startupUser: string;
    tls?: { version: string; cipherSuite: string };
    endpoint: string;
  },
): CloudTrailRecord {
  const resolved = check.ok ? check.decision.resolved : check.decision?.resolved;
  const session = check.ok ? check.session : check.decision?.session;
  const accessKeyId = /X-Amz-Credential=([^%/&]+)/.exec(check.token?.request.query ?? '')?.[1];
  return cloudTrailRecord({
    caller: session ? { type: 'session', session } : { type: 'unknown', ...(accessKeyId && { accessKeyId }) },
    service: 'rds-db',
    operation: 'connect',
    region: context.region,
    sourceIp: context.sourceIp,
    userAgent: 'postgresql-client',
    requestParameters: resolved?.requestParameters ?? { dbUser: context.startupUser },
    resources: resolved?.authorizations.map((authorization) => authorization.resource) ?? [],
    authorizations: resolved?.authorizations ?? [],
    outcome: check.ok
      ? { result: 'allowed' }
      : { result: 'denied', errorCode: check.code, errorMessage: check.message },
    ...(context.tls && { tls: { ...context.tls, host: context.endpoint } }),
    ...(!check.ok && { reason: `${check.check}: ${check.message}` }),
  });
}
