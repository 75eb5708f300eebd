// The same front with Debian's psql (libpq), as the flow page shows it: sslmode=verify-full against
// the local CA, the token in PGPASSWORD. Every refusal the page lists, with the line psql prints.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectPolicy,
  dbUser,
  dbUserArn,
  startProxyFixture,
  type Caller,
  type ProxyFixture,
} from './support/proxy-fixture.ts';

let fixture: ProxyFixture;
let reporter: Caller;
let dir: string;
let caFile: string;

beforeAll(async () => {
  fixture = await startProxyFixture();
  reporter = fixture.caller('usage-reporter', connectPolicy(dbUserArn(dbUser)));
  dir = mkdtempSync(join(tmpdir(), 'rds-proxy-psql-'));
  caFile = join(dir, 'keyless-local-ca.pem');
  writeFileSync(caFile, fixture.caCertificate);
}, 60_000);
afterAll(async () => {
  await fixture?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** psql's exit code and what it printed; asynchronous, since the front answers from this process. */
function psql(
  token: string,
  sslmode = 'verify-full',
  sql = 'select current_user',
): Promise<{ code: number; out: string }> {
  const url = `host=localhost port=${fixture.proxy.port} dbname=postgres user=${dbUser} sslmode=${sslmode} sslrootcert=${caFile}`;
  return new Promise((resolve) => {
    execFile(
      'psql',
      [url, '--no-psqlrc', '--tuples-only', '--no-align', '--command', sql],
      { env: { PATH: process.env.PATH, PGPASSWORD: token, PGCONNECT_TIMEOUT: '10' } },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, out: `${stdout}${stderr}`.trim() }),
    );
  });
}

describe('psql through the front', () => {
  it('connects with sslmode=verify-full and a token from the SDK; the session is ledger_reader', async () => {
    expect(await psql(await fixture.token(reporter))).toEqual({ code: 0, out: dbUser });
  });

  it('refuses sslmode=disable with the proxy’s TLS message', async () => {
    const { code, out } = await psql(await fixture.token(reporter), 'disable');
    expect(code).toBe(2);
    expect(out).toContain('FATAL:  This RDS Proxy requires TLS connections');
  });

  it('refuses a token 16 minutes old', async () => {
    const { code, out } = await psql(await fixture.tokenSignedAgo(reporter, 16 * 60_000));
    expect(code).toBe(2);
    expect(out).toMatch(
      /FATAL: {2}IAM authentication failed for user ledger_reader\. SignatureDoesNotMatch: Signature expired/,
    );
    expect(out).toContain('HINT:  Check the IAM token for this user and try again.');
  });

  it('refuses a tampered signature', async () => {
    const token = await fixture.token(reporter);
    const tampered = token.replace(
      /(X-Amz-Signature=[0-9a-f]{63})([0-9a-f])/,
      (_, head: string, last: string) => head + (last === '0' ? '1' : '0'),
    );
    expect((await psql(tampered)).out).toContain(
      'SignatureDoesNotMatch: The request signature we calculated does not match',
    );
  });

  it('refuses a token signed for another DB user, and one for another endpoint', async () => {
    expect((await psql(await fixture.token(reporter, { username: 'postgres' }))).out).toContain(
      'The token is for DBUser postgres, and the connection asks for user ledger_reader.',
    );
    expect((await psql(await fixture.token(reporter, { port: fixture.proxy.port + 1 }))).out).toContain(
      `The token was signed for localhost:${fixture.proxy.port + 1}, not for this proxy's endpoint`,
    );
  });

  it('refuses a role without rds-db:connect, and one whose grant names another dbuser, with AWS’s access-denied message', async () => {
    const noGrant = fixture.caller('api', {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::keyless-files/reports/*' },
      ],
    });
    const otherUser = fixture.caller('ledger-worker', connectPolicy(dbUserArn('ledger_writer')));
    for (const who of [noGrant, otherUser]) {
      const { code, out } = await psql(await fixture.token(who));
      expect(code).toBe(2);
      expect(out).toContain(
        `AccessDenied: User: ${who.arn} is not authorized to perform: rds-db:connect on resource: ${dbUserArn(dbUser)} because no identity-based policy allows the rds-db:connect action`,
      );
    }
  });
});
