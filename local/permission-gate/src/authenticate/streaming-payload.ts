// A streaming upload's body: aws-chunked framing whose chunks are each signed, chained from the
// request's own (seed) signature, and whose trailing checksum, when there is one, is signed last.
// Verifying the chain is what stops a chunk being altered, dropped or reordered on the way.
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { AwsError } from '../gate-request.ts';
import { authenticationErrors } from './authentication-errors.ts';
import type { AuthenticationCheck } from './authentication-result.ts';
import { decodeAwsChunked } from './aws-chunked.ts';
import { sha256Hex, signaturesEqual, signHex } from './sigv4-crypto.ts';

export const streamingModes = [
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
  'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
] as const;

export type StreamingMode = (typeof streamingModes)[number];

export const isStreamingMode = (value: string): value is StreamingMode =>
  (streamingModes as readonly string[]).includes(value);

const emptySha256 = sha256Hex('');

export interface StreamingContext {
  mode: StreamingMode;
  service: string;
  headers: Readonly<Record<string, string>>;
  signingKey: Buffer;
  /** The request's X-Amz-Date and credential scope, which every chunk's string to sign repeats. */
  amzDate: string;
  scope: string;
  seedSignature: string;
}

export type StreamingResult =
  | { ok: true; payload: Buffer; trailers: Record<string, string> }
  | { ok: false; check: AuthenticationCheck; error: AwsError };

/** The checksums node:crypto and node:zlib compute; CRC32C and CRC64NVME are left to the emulator. */
const checksums: Readonly<Record<string, (data: Buffer) => string>> = {
  'x-amz-checksum-crc32': (data) => {
    const digest = Buffer.alloc(4);
    digest.writeUInt32BE(crc32(data));
    return digest.toString('base64');
  },
  'x-amz-checksum-sha1': (data) => createHash('sha1').update(data).digest('base64'),
  'x-amz-checksum-sha256': (data) => createHash('sha256').update(data).digest('base64'),
};

export function verifyStreamingPayload(body: Buffer, context: StreamingContext): StreamingResult {
  const { mode, service } = context;
  const incomplete = {
    ok: false,
    check: 'malformed',
    error: authenticationErrors.incompleteBody(service),
  } as const;
  const decoded = decodeAwsChunked(body);
  if (!decoded) return incomplete;
  const signed = mode !== 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
  const withTrailer = mode !== 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';

  if (signed) {
    let previous = context.seedSignature.toLowerCase();
    for (const chunk of decoded.chunks) {
      const expected = signHex(
        context.signingKey,
        [
          'AWS4-HMAC-SHA256-PAYLOAD',
          context.amzDate,
          context.scope,
          previous,
          emptySha256,
          sha256Hex(chunk.data),
        ].join('\n'),
      );
      if (chunk.signature === undefined || !signaturesEqual(expected, chunk.signature)) {
        return {
          ok: false,
          check: 'chunk-signature',
          error: authenticationErrors.chunkSignatureMismatch(service),
        };
      }
      previous = expected;
    }
    if (withTrailer) {
      const canonicalTrailers = decoded.trailers.map(([name, value]) => `${name}:${value}\n`).join('');
      const expected = signHex(
        context.signingKey,
        [
          'AWS4-HMAC-SHA256-TRAILER',
          context.amzDate,
          context.scope,
          previous,
          sha256Hex(canonicalTrailers),
        ].join('\n'),
      );
      if (decoded.trailerSignature === undefined || !signaturesEqual(expected, decoded.trailerSignature)) {
        return {
          ok: false,
          check: 'chunk-signature',
          error: authenticationErrors.chunkSignatureMismatch(service),
        };
      }
    }
  } else if (
    decoded.chunks.some((chunk) => chunk.signature !== undefined) ||
    decoded.trailerSignature !== undefined
  ) {
    // An unsigned stream carrying signatures is not what any signer sends: refuse rather than ignore them.
    return incomplete;
  }

  // The trailers must be exactly those x-amz-trailer announced (and which the request signature covers).
  const announced = (context.headers['x-amz-trailer'] ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '')
    .sort();
  const sent = decoded.trailers.map(([name]) => name).sort();
  if (withTrailer ? announced.join(',') !== sent.join(',') : sent.length > 0) return incomplete;

  const payload = Buffer.concat(decoded.chunks.map((chunk) => chunk.data));
  const declaredLength = context.headers['x-amz-decoded-content-length'];
  if (declaredLength !== undefined && Number(declaredLength) !== payload.length) return incomplete;

  const trailers = Object.fromEntries(decoded.trailers);
  for (const [name, value] of decoded.trailers) {
    const compute = checksums[name];
    if (compute && compute(payload) !== value) {
      return {
        ok: false,
        check: 'payload-hash',
        error: authenticationErrors.badDigest(service, name.slice('x-amz-checksum-'.length)),
      };
    }
  }
  return { ok: true, payload, trailers };
}
