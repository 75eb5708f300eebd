// The front: to the local PostgreSQL what RDS Proxy with IAM authentication is to RDS. A client
// connects over TLS and gives an IAM token as its password; the front checks the token and
// `rds-db:connect` (check-token.ts), logs in to PostgreSQL with the credential it holds for that
// database user, and from then on relays bytes both ways without reading them.
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { createSecureContext, TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import type { CloudTrailRecord, DecideDeps } from '@keyless/permission-gate';
import {
  authenticationCleartextPassword,
  authenticationOk,
  backendKeyData,
  fatal,
  parameterStatus,
  readyForQuery,
  sslAccepted,
  sslRefused,
  type ErrorFields,
} from './backend-messages.ts';
import { checkToken, type TokenCheck } from './check-token.ts';
import { connectRecord } from './connect-record.ts';
import { StartupReader, type StartupPacket } from './startup-phase.ts';
import { loginUpstream, UpstreamRefused, type UpstreamCredential } from './upstream-login.ts';

export interface RdsProxyOptions {
  /** Listen address; default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** The host name clients connect to and sign tokens for (the certificate must name it). */
  endpointHost: string;
  /** The server certificate (local-tls.ts's, chained to the local CA) and its key. */
  tls: { cert: string; key: string };
  /** The proxy's resource id (`prx-…`): the dbuser ARN is `…:dbuser:<resourceId>/<user>`. */
  resourceId: string;
  /** The gate's decision dependencies: issued sessions, role policies, region and account. */
  decide: Omit<DecideDeps, 'dbiResourceId'>;
  upstream: { host: string; port: number };
  /** The credential the proxy holds for a database user (on AWS: its Secrets Manager secret). */
  credentialFor(dbUser: string): Promise<UpstreamCredential | undefined>;
  /** Where each connection attempt is recorded (the local trail). */
  trail?: { append(record: CloudTrailRecord): void };
  /** One event per connection attempt, for the system's log. */
  onConnect?(event: ConnectEvent): void;
}

export interface ConnectEvent {
  outcome: 'relayed' | 'refused' | 'cancel-forwarded';
  user?: string;
  principal?: string;
  check?: Extract<TokenCheck, { ok: false }>['check'] | 'tls' | 'credential' | 'upstream' | 'protocol';
  message?: string;
}

export interface RdsProxy {
  host: string;
  port: number;
  /** `host:port`, what tokens must be signed for. */
  endpoint: string;
  resourceId: string;
  /** Connections being relayed now. */
  openConnections(): number;
  stop(): Promise<void>;
}

export const noTlsMessage = 'This RDS Proxy requires TLS connections';

export async function startRdsProxy(options: RdsProxyOptions): Promise<RdsProxy> {
  const secureContext = createSecureContext({
    cert: options.tls.cert,
    key: options.tls.key,
    minVersion: 'TLSv1.2',
  });
  const sockets = new Set<Duplex>();
  let relayed = 0;
  const server = createServer((socket) => {
    void serve(socket).catch((error: unknown) => {
      // A client that hangs up mid-startup, or a bug: either way the connection ends, and says why.
      options.onConnect?.({
        outcome: 'refused',
        check: 'protocol',
        message: error instanceof Error ? error.message : String(error),
      });
      socket.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  const endpoint = `${options.endpointHost}:${port}`;
  const decideDeps: DecideDeps = { ...options.decide, dbiResourceId: options.resourceId };

  const track = (socket: Duplex) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  function refuse(socket: Duplex, fields: ErrorFields, event: ConnectEvent) {
    options.onConnect?.(event);
    socket.end(fatal(fields));
  }

  function forwardCancel(bytes: Buffer) {
    // A CancelRequest carries the server's process id and secret key, no credential: libpq sends
    // it on a fresh connection, without TLS, and PostgreSQL decides it by that key alone.
    const upstream = connect(options.upstream, () => upstream.end(bytes));
    upstream.on('error', () => upstream.destroy());
    options.onConnect?.({ outcome: 'cancel-forwarded' });
  }

  async function upgrade(raw: Socket): Promise<TLSSocket> {
    const secure = new TLSSocket(raw, { isServer: true, secureContext });
    track(secure);
    await new Promise<void>((resolve, reject) => {
      secure.once('secure', resolve);
      secure.once('error', reject);
    });
    return secure;
  }

  async function serve(raw: Socket) {
    raw.setNoDelay(true);
    track(raw);
    raw.on('error', () => raw.destroy());
    let socket: Duplex = raw;
    let secure: TLSSocket | undefined;
    let reader = new StartupReader(raw);
    let packet: StartupPacket = await reader.readStartupPacket();
    while (packet.kind !== 'startup') {
      if (packet.kind === 'ssl-request' && !secure) {
        if (reader.detach().length > 0) return raw.destroy(); // nothing may follow an SSLRequest unanswered
        raw.write(sslAccepted);
        secure = await upgrade(raw);
        socket = secure;
        reader = new StartupReader(secure);
      } else if (packet.kind === 'gssenc-request' && !secure) {
        raw.write(sslRefused);
      } else if (packet.kind === 'cancel') {
        forwardCancel(packet.bytes);
        return socket.end();
      } else {
        return refuse(
          socket,
          { code: '08P01', message: 'Unsupported frontend protocol or request.' },
          { outcome: 'refused', check: 'protocol' },
        );
      }
      packet = await reader.readStartupPacket();
    }
    const startupUser = packet.parameters['user'] ?? '';
    if (!secure) {
      return refuse(
        socket,
        {
          code: '28000',
          message: noTlsMessage,
          hint: 'Connect with sslmode=require (or verify-full with the local CA).',
        },
        { outcome: 'refused', user: startupUser, check: 'tls', message: noTlsMessage },
      );
    }

    socket.write(authenticationCleartextPassword);
    const password = await reader.readPassword();
    const tls = { version: secure.getProtocol() ?? 'unknown', cipherSuite: secure.getCipher().standardName };
    const sourceIp = raw.remoteAddress ?? '';
    const check: TokenCheck =
      password === undefined
        ? {
            ok: false,
            check: 'not-a-token',
            code: 'InvalidToken',
            message: 'Expected a password message holding the IAM token.',
          }
        : await checkToken(password, { endpoint, startupUser, sourceIp, tls }, decideDeps);
    options.trail?.append(
      connectRecord(check, { region: options.decide.region, sourceIp, startupUser, tls, endpoint }),
    );
    if (!check.ok) {
      return refuse(
        socket,
        {
          code: '28P01',
          message: `IAM authentication failed for user ${startupUser}. ${check.code}: ${check.message}`,
          hint: 'Check the IAM token for this user and try again.',
        },
        { outcome: 'refused', user: startupUser, check: check.check, message: check.message },
      );
    }

    const credential = await options.credentialFor(startupUser);
    if (!credential) {
      const message = `This RDS Proxy has no credentials for the role ${startupUser}. Check the credentials for this role and try again.`;
      return refuse(
        socket,
        { code: '28000', message },
        { outcome: 'refused', user: startupUser, check: 'credential', message },
      );
    }
    let upstream;
    try {
      upstream = await loginUpstream({ ...options.upstream, credential, parameters: packet.parameters });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const code = error instanceof UpstreamRefused && error.error?.code ? error.error.code : '08006';
      return refuse(
        socket,
        { code, message: `The proxy could not log in to the database: ${message}` },
        { outcome: 'refused', user: startupUser, check: 'upstream', message },
      );
    }

    // The client sees the server's own session: its parameters and its cancel key.
    socket.write(
      Buffer.concat([
        authenticationOk,
        ...upstream.parameters.map(([name, value]) => parameterStatus(name, value)),
        backendKeyData(upstream.backendKey.processId, upstream.backendKey.secretKey),
        readyForQuery(upstream.status),
      ]),
    );
    options.onConnect?.({ outcome: 'relayed', user: startupUser, principal: check.session.arn });
    relay(socket, reader.detach(), upstream.socket);
  }

  function relay(client: Duplex, pending: Buffer, upstream: Socket) {
    track(upstream);
    relayed += 1;
    if (pending.length > 0) upstream.write(pending);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.once('close', close).on('error', close);
    upstream.once('close', close).on('error', close);
    upstream.once('close', () => (relayed -= 1));
    client.pipe(upstream);
    upstream.pipe(client);
  }

  return {
    host: address,
    port,
    endpoint,
    resourceId: options.resourceId,
    openConnections: () => relayed,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
