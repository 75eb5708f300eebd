import type { SystemDescription } from './start-system.ts';

/** What `npm start` prints once everything is healthy. */
export function summary(d: SystemDescription, file: string, startupMs: number): string {
  const r = d.resources;
  const users = r.userDirectory.users.map((u) => `${u.username} / ${u.password}  (${u.groups.join(', ')})`);
  return [
    '',
    `keyless local system is up (healthy after ${(startupMs / 1000).toFixed(1)} s)`,
    '',
    `  API (local ALB)   ${d.albUrl ?? '(not started)'}`,
    `  AWS emulator      ${d.endpoints.aws}   (region ${d.region}, account ${d.accountId})`,
    `  PostgreSQL        ${d.endpoints.postgres}   database ${r.database.name}`,
    `  S3 bucket         ${r.names.bucket}`,
    `  DynamoDB table    ${r.names.uploadsTable}`,
    `  SQS queues        ${r.names.ledgerEventsQueue} (DLQ ${r.names.ledgerEventsDlq}), ${r.names.uploadFailuresQueue}`,
    `  Secrets           ${r.names.writerSecret}, ${r.names.readerSecret}`,
    `  Cognito pool      ${r.userDirectory.userPoolId}   app client ${r.userDirectory.clientId}`,
    `  IAM roles         ${Object.keys(r.roles).join(', ')}`,
    `  STS front         ${d.identity.stsEndpoint}   (AWS_ENDPOINT_URL_STS)`,
    `  OIDC issuers      ${d.identity.issuers.eks}   ${d.identity.issuers.github}`,
    `  IRSA token file   ${d.identity.irsa.AWS_WEB_IDENTITY_TOKEN_FILE}`,
    `  Demo users        ${users.join('\n                    ')}`,
    '',
    `  Details as JSON:  ${file}`,
    '  Next:             npm run demo              (every flow, hop by hop)',
    '                    npm run rehearse:deploy   (GitHub OIDC → deploy/diff roles)',
    // Readable by default (log-output.ts); the JSON lines themselves with --json.
    '  Every credential decision appears below as one line: allowed or denied, the role and why',
    '  (`npm start -- --json` prints the raw JSON lines instead). Stop with Ctrl-C.',
    '',
  ].join('\n');
}
