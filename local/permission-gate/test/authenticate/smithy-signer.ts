// A signer independent of the verifier: @smithy/signature-v4 (what the SDK signs with), given a
// node:crypto hash, for the request shapes the SDK clients do not send themselves.
import { createHash } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '@keyless/testing';
import type { IssuedSession } from '../../src/gate-request.ts';
import { credentialsOf, region } from './sessions.ts';

export const smithySigner = (session: IssuedSession, service = 's3') =>
  new SignatureV4({
    service,
    region,
    credentials: credentialsOf(session),
    sha256: NodeSha256,
    uriEscapePath: service !== 's3',
  });

export const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
