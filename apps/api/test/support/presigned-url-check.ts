// S3 in front of the emulator, for the api's presigned URLs. Where the emulator checks a presigned
// URL's signature itself (ministack: the capability `s3-presigned-url-signature`), this front only
// forwards, and the emulator's own 403 is what the tests meet. Where it does not (moto and
// LocalStack core serve any URL whatever its signature, so any URL would write any key), the front
// stands in for that part of S3: it verifies SigV4 query signatures exactly as S3 would (path,
// signed headers, expiry), answers 403 otherwise, and forwards everything else unchanged.
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hasCapability } from '@keyless/local-platform';
import { SignatureV4 } from '@smithy/signature-v4';
import { directory } from './directory.ts';

/**
 * The api instances' credentials in tests: an IAM user's key the global setup created, whose
 * secret the emulator knows, so an emulator that checks signatures checks the api's.
 */
export const testCredentials = {
  get accessKeyId(): string {
    return directory().credentials.accessKeyId;
  },
  get secretAccessKey(): string {
    return directory().credentials.secretAccessKey;
  },
};

class NodeSha256 {
  readonly #hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#hash.update(toBuffer(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
}

function toBuffer(data: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** Why S3 would refuse this presigned request, or undefined if it would accept it. */
async function refusal(req: IncomingMessage, url: URL, region: string): Promise<string | undefined> {
  const params = url.searchParams;
  const [accessKeyId] = (params.get('X-Amz-Credential') ?? '').split('/');
  if (accessKeyId !== testCredentials.accessKeyId) return 'InvalidAccessKeyId';
  const date = (params.get('X-Amz-Date') ?? '').replace(
    /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/,
    '$1-$2-$3T$4:$5:$6Z',
  );
  const signingDate = new Date(date);
  if (Number.isNaN(signingDate.getTime())) return 'AuthorizationQueryParametersError';
  const expiresIn = Number(params.get('X-Amz-Expires'));
  if (Date.now() > signingDate.getTime() + expiresIn * 1000) return 'AccessDenied (Request has expired)';

  const signedHeaders = (params.get('X-Amz-SignedHeaders') ?? '').split(';');
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) headers[name] = String(req.headers[name] ?? '');
  const query: Record<string, string> = {};
  for (const [name, value] of params) {
    if (name !== 'X-Amz-Signature' && name !== 'X-Amz-Content-Sha256') query[name] = value;
  }
  // Hoisted back into the query by presign(), under this exact (case-sensitive) name.
  headers['X-Amz-Content-Sha256'] = params.get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD';
  const signer = new SignatureV4({
    credentials: { ...directory().credentials },
    region,
    service: 's3',
    sha256: NodeSha256,
    uriEscapePath: false,
    applyChecksum: false,
  });
  const expected = await signer.presign(
    {
      method: req.method ?? 'GET',
      protocol: 'http:',
      hostname: url.hostname,
      path: url.pathname,
      query,
      headers,
    },
    {
      signingDate,
      expiresIn,
      signableHeaders: new Set(signedHeaders),
      unhoistableHeaders: new Set(signedHeaders),
    },
  );
  return expected.query?.['X-Amz-Signature'] === params.get('X-Amz-Signature')
    ? undefined
    : 'SignatureDoesNotMatch';
}

export interface PresignedUrlCheck {
  url: string;
  /** Presigned requests refused, with the reason. */
  refused: { path: string; reason: string }[];
  stop(): Promise<void>;
}

export async function startPresignedUrlCheck(
  emulator: string,
  region = 'eu-west-1',
): Promise<PresignedUrlCheck> {
  const refused: PresignedUrlCheck['refused'] = [];
  const emulatorChecks = hasCapability(directory().emulator, 's3-presigned-url-signature');
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
      const signed = url.searchParams.has('X-Amz-Signature');
      const reason = signed && !emulatorChecks ? await refusal(req, url, region) : undefined;
      if (reason) {
        refused.push({ path: url.pathname, reason });
        req.resume();
        res
          .writeHead(403, { 'content-type': 'application/xml' })
          .end(`<Error><Code>${reason}</Code></Error>`);
        return;
      }
      const upstream = request(
        new URL(req.url ?? '/', emulator),
        { method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    })();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    refused,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
