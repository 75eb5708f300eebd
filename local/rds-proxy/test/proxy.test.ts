// The front end to end with node-postgres: a token from the SDK's signer gets the reader in as
// ledger_reader through TLS verified against the local CA; the session is the server's own
// (extended protocol, errors, large values, cancel); and every refusal the README lists is tried.
import { connect } from 'node:net';
import pg from 'pg';
import { serialize } from 'pg-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noTlsMessage } from '../src/index.ts';
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

beforeAll(async () => {
  fixture = await startProxyFixture();
  reporter = fixture.caller('usage-reporter', connectPolicy(dbUserArn(dbUser)));
}, 60_000);
afterAll(() => fixture?.stop());

async function connected<T>(password: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(fixture.clientConfig(password));
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** The error a connection attempt ends with (it must end with one). */
async function refusal(
  password: string,
  extra: Partial<pg.ClientConfig> = {},
): Promise<Error & { code?: string }> {
  const client = new pg.Client(fixture.clientConfig(password, extra));
  client.on('error', () => undefined);
  const error = await client.connect().then(
    () => undefined,
    (reason: unknown) => reason as Error & { code?: string },
  );
  await client.end().catch(() => undefined);
  if (!error) throw new Error('the connection was accepted');
  return error;
}

describe('a token from the SDK signer', () => {
  it('logs in as the mapped database user, with the proxy credential upstream', async () => {
    const token = await fixture.token(reporter);
    const row = await connected(
      token,
      async (client) => (await client.query('select current_user, count(*)::int as n from ledger')).rows[0],
    );
    expect(row).toEqual({ current_user: dbUser, n: 1 });
    const record = fixture.trail.at(-1);
    expect(record?.additionalEventData.decision).toBe('allowed');
    expect(record?.eventSource).toBe('rds-db.amazonaws.com');
    expect(record?.resources?.map((resource) => resource.ARN)).toEqual([dbUserArn(dbUser)]);
  });

  it('relays the extended protocol, server errors and large values unchanged', async () => {
    await connected(await fixture.token(reporter), async (client) => {
      const big = 'x'.repeat(2_000_000);
      const echoed = await client.query({
        text: 'select $1::text as v, length($1::text) as n',
        values: [big],
      });
      expect(echoed.rows[0]).toEqual({ v: big, n: 2_000_000 });
      const prepared = { name: 'by-id', text: 'select note from ledger where id = $1', values: [1] };
      expect((await client.query(prepared)).rows).toEqual([{ note: 'first' }]);
      expect((await client.query(prepared)).rows).toEqual([{ note: 'first' }]);
      await expect(client.query('insert into ledger values (2, $1)', ['no'])).rejects.toMatchObject({
        code: '42501',
        message: 'permission denied for table ledger',
      });
      // The session survives the server's error, as it would directly.
      expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    });
  });

  it('forwards a cancel request to the server, which cancels the running statement', async () => {
    await connected(await fixture.token(reporter), async (client) => {
      const sleeping = client.query('select pg_sleep(30)');
      const canceller = new pg.Client(fixture.clientConfig(await fixture.token(reporter)));
      // Wait until the statement runs, seen from a second session through the front.
      await canceller.connect();
      try {
        for (;;) {
          const { rows } = await canceller.query(
            "select count(*)::int as n from pg_stat_activity where query = 'select pg_sleep(30)' and state = 'active'",
          );
          if (rows[0].n > 0) break;
        }
      } finally {
        await canceller.end();
      }
      // What libpq does to cancel: a fresh plain-TCP connection carrying only the server's process
      // id and secret key, which the client learnt from BackendKeyData through the front.
      const { processID, secretKey } = client as unknown as { processID: number; secretKey: number };
      await new Promise<void>((resolve, reject) => {
        const socket = connect(fixture.proxy.port, 'localhost', () =>
          socket.end(serialize.cancel(processID, secretKey)),
        );
        socket.on('close', () => resolve()).on('error', reject);
      });
      await expect(sleeping).rejects.toMatchObject({ code: '57014' });
    });
    expect(fixture.events.some((event) => event.outcome === 'cancel-forwarded')).toBe(true);
  });
});

describe('refused, each with its own message, before anything reaches the database', () => {
  const denied = () => fixture.trail.at(-1);

  it('a tampered signature', async () => {
    const token = await fixture.token(reporter);
    const tampered = token.replace(
      /(X-Amz-Signature=[0-9a-f]{63})([0-9a-f])/,
      (_, head: string, last: string) => head + (last === '0' ? '1' : '0'),
    );
    expect(tampered).not.toBe(token);
    const error = await refusal(tampered);
    expect(error.code).toBe('28P01');
    expect(error.message).toContain(
      'SignatureDoesNotMatch: The request signature we calculated does not match',
    );
    expect(denied()?.errorCode).toBe('SignatureDoesNotMatch');
  });

  it('a token 16 minutes old', async () => {
    const error = await refusal(await fixture.tokenSignedAgo(reporter, 16 * 60_000));
    expect(error.message).toMatch(
      /IAM authentication failed for user ledger_reader\. SignatureDoesNotMatch: Signature expired: \d{8}T\d{6}Z is now earlier than/,
    );
  });

  it('a token for another DBUser', async () => {
    const error = await refusal(await fixture.token(reporter, { username: 'postgres' }));
    expect(error.message).toContain(
      'The token is for DBUser postgres, and the connection asks for user ledger_reader.',
    );
  });

  it('a token signed for another endpoint (host, or port)', async () => {
    const otherHost = await refusal(await fixture.token(reporter, { hostname: 'ledger.example.internal' }));
    expect(otherHost.message).toContain(
      `The token was signed for ledger.example.internal:${fixture.proxy.port}, not for this proxy's endpoint localhost:${fixture.proxy.port}.`,
    );
    const otherPort = await refusal(await fixture.token(reporter, { port: fixture.proxy.port + 1 }));
    expect(otherPort.message).toContain(`The token was signed for localhost:${fixture.proxy.port + 1}`);
  });

  it('a connection without TLS', async () => {
    const error = await refusal(await fixture.token(reporter), { ssl: false });
    expect(error.code).toBe('28000');
    expect(error.message).toBe(noTlsMessage);
  });

  it('a role without rds-db:connect', async () => {
    const noGrant = fixture.caller('no-grant', {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::keyless-files/reports/*' },
      ],
    });
    const error = await refusal(await fixture.token(noGrant));
    expect(error.message).toContain(
      `AccessDenied: User: ${noGrant.arn} is not authorized to perform: rds-db:connect on resource: ${dbUserArn(dbUser)} because no identity-based policy allows the rds-db:connect action`,
    );
    expect(denied()?.userIdentity.arn).toBe(noGrant.arn);
    expect(denied()?.additionalEventData.decision).toBe('denied');
  });

  it('a role whose grant names another dbuser', async () => {
    const otherUser = fixture.caller('other-user', connectPolicy(dbUserArn('ledger_writer')));
    const otherProxy = fixture.caller(
      'other-proxy',
      connectPolicy(dbUserArn(dbUser, 'prx-0fedcba9876543210')),
    );
    for (const who of [otherUser, otherProxy]) {
      const error = await refusal(await fixture.token(who));
      expect(error.message).toContain(
        `${who.arn} is not authorized to perform: rds-db:connect on resource: ${dbUserArn(dbUser)}`,
      );
    }
  });

  it('a password that is not a token, and a key nobody issued', async () => {
    expect((await refusal('hunter2')).message).toContain('The password is not an IAM authentication token');
    const stranger = {
      credentials: { ...reporter.credentials, accessKeyId: 'ASIA' + 'Q'.repeat(16) },
      arn: '',
    };
    expect((await refusal(await fixture.token(stranger))).message).toContain('InvalidClientTokenId');
  });

  it('none of them reached the database: only relayed connections logged in upstream', () => {
    const relayed = fixture.events.filter((event) => event.outcome === 'relayed').length;
    const refused = fixture.events.filter((event) => event.outcome === 'refused').length;
    expect(refused).toBeGreaterThanOrEqual(10);
    expect(relayed).toBe(4);
  });
});
