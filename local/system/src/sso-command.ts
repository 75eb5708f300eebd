// `npm run sso -- <user> [--role developer|operator] [--profile <name>] [--idp-clock-skew <seconds>]`
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '@keyless/config';
import type { SystemDescription } from './start-system.ts';
import { signInWithSaml, SSO_ROLES, type SsoRole } from './sso.ts';
import { systemEnv } from './system-config.ts';

const USAGE =
  'usage: npm run sso -- <user> [--role developer|operator] [--profile <name>] [--idp-clock-skew <seconds>]\n' +
  '  users of the local IdP: dana (developers), omar (developers, operators), wes (operators), nina (no group)';

/** How this Node runs the credential_process script (paths quoted: the checkout may have spaces). */
export const credentialProcessCommand = (cacheFile: string) =>
  [process.execPath, join(import.meta.dirname, 'sso-credential-process.ts'), cacheFile]
    .map((part) => `"${part}"`)
    .join(' ');

/** Returns the exit code; `print` and `printError` are the console's (cli.ts). */
export async function ssoCommand(
  system: SystemDescription,
  argv: readonly string[],
  print: (text: string) => void,
  printError: (text: string) => void,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      role: { type: 'string', default: 'developer' },
      profile: { type: 'string' },
      'idp-clock-skew': { type: 'string' },
    },
  });
  const [username] = positionals;
  const role = values.role as SsoRole;
  const skew = values['idp-clock-skew'];
  if (!username || !SSO_ROLES.includes(role) || (skew !== undefined && !/^-?\d+$/.test(skew))) {
    printError(USAGE);
    return 2;
  }
  const config = loadConfig(systemEnv);
  const session = await signInWithSaml(system, {
    username,
    role,
    ...(values.profile && { profile: values.profile }),
    ...(skew !== undefined && { idpClockSkewSeconds: Number(skew) }),
    configFile: config.AWS_CONFIG_FILE ?? join(homedir(), '.aws', 'config'),
    cacheDir: config.KEYLESS_SSO_DIR,
    credentialProcess: credentialProcessCommand,
  });
  print(
    `${username} is ${session.assumedRoleArn} until ${session.expiration.toISOString()}\n` +
      `profile ${session.profile} written to ${session.configFile}; try:\n` +
      `  aws --profile ${session.profile} sts get-caller-identity\n` +
      `  aws --profile ${session.profile} s3 ls s3://${system.resources.names.bucket}/`,
  );
  return 0;
}
