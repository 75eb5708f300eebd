// An IAM database authentication token is a SigV4 presigned URL without its scheme:
// `<host>:<port>/?Action=connect&DBUser=<user>&X-Amz-…`. As a request, it is `GET /` with that
// query and a `host` header of `<host>:<port>` (the port is signed): the shape the permission gate
// already verifies, so the front hands it over as one.
import type { GateRequest } from '@keyless/permission-gate';

export interface IamToken {
  /** The signed `host:port`, as the signer was given it. */
  endpoint: string;
  dbUser: string | undefined;
  request: GateRequest;
}

export function parseIamToken(
  token: string,
  connection: { sourceIp: string; tls?: { version: string; cipherSuite: string } },
): IamToken | undefined {
  const match = /^([^/?#\s]+)\/\?([^#\s]+)$/.exec(token);
  if (!match) return undefined;
  const [, endpoint = '', query = ''] = match;
  const dbUser = new URLSearchParams(query).get('DBUser') ?? undefined;
  return {
    endpoint,
    dbUser,
    request: {
      method: 'GET',
      path: '/',
      query,
      headers: { host: endpoint },
      body: Buffer.alloc(0),
      sourceIp: connection.sourceIp,
      secureTransport: connection.tls !== undefined,
      ...(connection.tls && { tls: connection.tls }),
    },
  };
}
