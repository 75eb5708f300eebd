// A signer independent of the verifier: @smithy/signature-v4 (what the SDK signs with), given a
// node:crypto hash, for the request shapes the SDK clients do not send themselves.
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { IssuedSession } from '../../src/gate-request.ts';
import { credentialsOf, region } from './sessions.ts';

type SourceData = string | ArrayBuffer | ArrayBufferView;

const bytesOf = (data: SourceData): string | Buffer =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      : Buffer.from(data);

class NodeSha256 {
  readonly #hash: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(secret));
  }
  update(data: SourceData): void {
    this.#hash.update(bytesOf(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.#hash.digest();
  }
}

export const smithySigner = (session: IssuedSession, service = 's3') =>
  new SignatureV4({
    service,
    region,
    credentials: credentialsOf(session),
    sha256: NodeSha256,
    uriEscapePath: service !== 's3',
  });

export const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
