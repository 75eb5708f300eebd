// The front's own login to PostgreSQL, with the credential the proxy holds for the database user
// (on AWS: the Secrets Manager secret the proxy's role reads). node-postgres's pg-protocol parses
// the server's messages and serializes ours; its SCRAM-SHA-256 client answers the challenge. The
// login ends at the server's first ReadyForQuery: what the server said after AuthenticationOk
// (ParameterStatus, BackendKeyData) is kept for the client, and the socket is handed over idle.
import { connect, type Socket } from 'node:net';
import { parse, serialize, type DatabaseError } from 'pg-protocol';
import { scram as sasl, type ScramSession } from './scram-client.ts';

export interface UpstreamCredential {
  username: string;
  password: string;
}

export interface UpstreamSession {
  socket: Socket;
  parameters: [name: string, value: string][];
  /** The server's process id and cancel key: the client cancels with these, through the front. */
  backendKey: { processId: number; secretKey: number };
  /** ReadyForQuery's transaction status ('I'). */
  status: string;
}

export class UpstreamRefused extends Error {
  readonly error: DatabaseError | undefined;
  constructor(message: string, error?: DatabaseError) {
    super(message);
    this.name = 'UpstreamRefused';
    this.error = error;
  }
}

interface LoginOptions {
  host: string;
  port: number;
  credential: UpstreamCredential;
  /** The client's startup parameters (database, application_name, options, …); `user` is replaced. */
  parameters: Record<string, string>;
}

type Message = { name: string } & Record<string, unknown>;

export function loginUpstream({
  host,
  port,
  credential,
  parameters,
}: LoginOptions): Promise<UpstreamSession> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.setNoDelay(true);
    const session: Partial<UpstreamSession> & { parameters: [string, string][] } = { parameters: [] };
    let scram: ScramSession | undefined;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      reject(error);
    };
    socket.once('error', fail);
    socket.once('close', () => fail(new UpstreamRefused('the database closed the connection during login')));
    socket.once('connect', () => {
      socket.write(serialize.startup({ ...parameters, user: credential.username }));
    });

    const onMessage = async (message: Message) => {
      switch (message.name) {
        case 'authenticationSASL':
          scram = sasl.startSession(message['mechanisms'] as string[]);
          socket.write(serialize.sendSASLInitialResponseMessage(scram.mechanism, scram.response));
          return;
        case 'authenticationSASLContinue':
          if (!scram) throw new UpstreamRefused('SASL continue before SASL start');
          await sasl.continueSession(scram, credential.password, message['data'] as string);
          socket.write(serialize.sendSCRAMClientFinalMessage(scram.response));
          return;
        case 'authenticationSASLFinal':
          if (!scram) throw new UpstreamRefused('SASL final before SASL start');
          // Checks the server's signature: the front does not hand a client to an impostor.
          sasl.finalizeSession(scram, message['data'] as string);
          return;
        case 'authenticationCleartextPassword':
          socket.write(serialize.password(credential.password));
          return;
        case 'authenticationOk':
          return;
        case 'parameterStatus':
          session.parameters.push([message['parameterName'] as string, message['parameterValue'] as string]);
          return;
        case 'backendKeyData':
          session.backendKey = {
            processId: message['processID'] as number,
            secretKey: message['secretKey'] as number,
          };
          return;
        case 'readyForQuery': {
          // The server says nothing more until spoken to: nothing is left unread in the socket.
          socket.removeAllListeners('data');
          socket.removeAllListeners('close');
          socket.removeAllListeners('error');
          socket.pause();
          if (!session.backendKey) throw new UpstreamRefused('the database sent no BackendKeyData');
          settled = true;
          resolve({ ...session, socket, status: message['status'] as string } as UpstreamSession);
          return;
        }
        case 'error':
          throw new UpstreamRefused(
            (message as unknown as DatabaseError).message,
            message as unknown as DatabaseError,
          );
        case 'notice':
          return;
        default:
          throw new UpstreamRefused(
            `unexpected ${message.name} during login (MD5 and other methods are not spoken)`,
          );
      }
    };
    // Messages are handled in order: a SCRAM step is asynchronous, the next waits for it.
    let queue = Promise.resolve();
    void parse(socket, (message) => {
      queue = queue
        .then(() => onMessage(message as unknown as Message))
        .catch((error: unknown) => fail(error instanceof Error ? error : new Error(String(error))));
    });
  });
}
