// The backend messages the front writes itself, before the relay starts: the answer to SSLRequest,
// the request for a cleartext password (the token), an ErrorResponse, and the server's own
// post-authentication messages as the upstream login received them (PostgreSQL docs, "Message Formats").

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

const int32 = (value: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(value, 0);
  return bytes;
};

const cstring = (value: string) => Buffer.from(`${value}\0`, 'utf8');

export const sslAccepted = Buffer.from('S');
export const sslRefused = Buffer.from('N');

export const authenticationCleartextPassword = message('R', int32(3));
export const authenticationOk = message('R', int32(0));

export const parameterStatus = (name: string, value: string) =>
  message('S', Buffer.concat([cstring(name), cstring(value)]));

export const backendKeyData = (processId: number, secretKey: number) =>
  message('K', Buffer.concat([int32(processId), int32(secretKey)]));

export const readyForQuery = (status: string) => message('Z', Buffer.from(status, 'latin1'));

export interface ErrorFields {
  /** SQLSTATE: 28000 invalid_authorization_specification, 28P01 invalid_password, 08xxx connection. */
  code: string;
  message: string;
  detail?: string;
  hint?: string;
}

/** A FATAL ErrorResponse: the client shows `FATAL: <message>` (psql also prints DETAIL and HINT). */
export function fatal({ code, message: text, detail, hint }: ErrorFields): Buffer {
  const fields = [
    ['S', 'FATAL'],
    ['V', 'FATAL'],
    ['C', code],
    ['M', text],
    ...(detail ? [['D', detail]] : []),
    ...(hint ? [['H', hint]] : []),
  ].map(([type, value]) => Buffer.concat([Buffer.from(type as string, 'latin1'), cstring(value as string)]));
  return message('E', Buffer.concat([...fields, Buffer.from([0])]));
}
