// The credential_process of a profile `npm run sso` wrote: prints the cached session (the format
// the AWS CLI and SDKs read: Version, keys, Expiration), or says to sign in again once it expired.
// Plain Node, no imports from the workspace: it runs on every AWS CLI call of the profile.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? '';
const session = JSON.parse(readFileSync(file, 'utf8')) as { Expiration: string };
if (new Date(session.Expiration).getTime() <= Date.now()) {
  process.stderr.write(
    `the session in ${file} expired at ${session.Expiration}: run \`npm run sso\` again\n`,
  );
  process.exit(1);
}
process.stdout.write(JSON.stringify(session));
