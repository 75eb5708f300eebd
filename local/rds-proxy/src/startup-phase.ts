// The few frontend messages the front reads itself: those of the startup phase, before anything
// reaches PostgreSQL (SSLRequest, GSSENCRequest, CancelRequest, StartupMessage, and the one
// PasswordMessage that carries the token). pg-protocol parses backend messages only; these are
// length-prefixed and fixed by the protocol (PostgreSQL docs, "Message Formats"). Everything after
// authentication is relayed as bytes, never parsed.
import type { Duplex } from 'node:stream';

export const sslRequestCode = 80877103;
export const gssEncRequestCode = 80877104;
export const cancelRequestCode = 80877102;
export const protocolVersion3 = 196608;

/** A startup packet is small; anything larger is not a PostgreSQL client (libpq caps it at 10000). */
const maxStartupBytes = 10_000;
/** A cleartext password message holding a token (~1.5 KB with a session token), with room to spare. */
const maxPasswordBytes = 16 * 1024;

export type StartupPacket =
  | { kind: 'ssl-request' }
  | { kind: 'gssenc-request' }
  | { kind: 'cancel'; bytes: Buffer }
  | { kind: 'startup'; parameters: Record<string, string> }
  | { kind: 'unsupported'; code: number };

/** Reads whole messages from a socket that is not yet relayed, and hands back what it over-read. */
export class StartupReader {
  #buffered = Buffer.alloc(0);
  #waiting: (() => void) | undefined;
  #ended = false;
  readonly #socket: Duplex;
  readonly #onData = (chunk: Buffer) => {
    this.#buffered = Buffer.concat([this.#buffered, chunk]);
    this.#wake();
  };
  readonly #onEnd = () => {
    this.#ended = true;
    this.#wake();
  };

  constructor(socket: Duplex) {
    this.#socket = socket;
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('close', this.#onEnd);
  }

  #wake() {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.();
  }

  async #take(bytes: number): Promise<Buffer> {
    while (this.#buffered.length < bytes) {
      if (this.#ended) throw new Error('the client closed the connection during the startup phase');
      await new Promise<void>((resolve) => (this.#waiting = resolve));
    }
    const taken = this.#buffered.subarray(0, bytes);
    this.#buffered = this.#buffered.subarray(bytes);
    return taken;
  }

  /** The first message of a connection (and the one after an SSLRequest): length, code, body. */
  async readStartupPacket(): Promise<StartupPacket> {
    const length = (await this.#take(4)).readInt32BE(0);
    if (length < 8 || length > maxStartupBytes) return { kind: 'unsupported', code: length };
    const body = await this.#take(length - 4);
    const code = body.readInt32BE(0);
    if (code === sslRequestCode) return { kind: 'ssl-request' };
    if (code === gssEncRequestCode) return { kind: 'gssenc-request' };
    if (code === cancelRequestCode) {
      const bytes = Buffer.alloc(length);
      bytes.writeInt32BE(length, 0);
      body.copy(bytes, 4);
      return { kind: 'cancel', bytes };
    }
    if (code !== protocolVersion3) return { kind: 'unsupported', code };
    // Pairs of NUL-terminated name and value, ended by an empty name.
    const fields = body.subarray(4).toString('utf8').split('\0');
    const parameters: Record<string, string> = {};
    for (let i = 0; i + 1 < fields.length && fields[i] !== ''; i += 2) {
      parameters[fields[i] as string] = fields[i + 1] as string;
    }
    return { kind: 'startup', parameters };
  }

  /** The PasswordMessage answering AuthenticationCleartextPassword; undefined for any other message. */
  async readPassword(): Promise<string | undefined> {
    const header = await this.#take(5);
    const length = header.readInt32BE(1);
    if (header[0] !== 0x70 /* 'p' */ || length < 5 || length > maxPasswordBytes) return undefined;
    const body = await this.#take(length - 4);
    return body.subarray(0, body.indexOf(0) === -1 ? body.length : body.indexOf(0)).toString('utf8');
  }

  /** Stops reading; returns bytes already read past the last message (to relay first). */
  detach(): Buffer {
    this.#socket.off('data', this.#onData);
    this.#socket.off('end', this.#onEnd);
    this.#socket.off('close', this.#onEnd);
    this.#socket.pause();
    const rest = this.#buffered;
    this.#buffered = Buffer.alloc(0);
    return rest;
  }
}
