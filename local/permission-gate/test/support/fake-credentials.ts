// Credentials for tests, made up at run time: the project holds no access key, not even a fake
// one that looks like a real key in the source.
import { randomBytes } from 'node:crypto';

const upper = (bytes: number) =>
  [...randomBytes(bytes)].map((byte) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'.charAt(byte % 32)).join('');

/** An access key id of the shape STS gives a session (`ASIA` + 16 characters), never issued. */
export const madeUpSessionKeyId = (): string => `ASIA${upper(16)}`;

/** A secret access key of AWS's length (40), never issued. */
export const madeUpSecret = (): string => randomBytes(30).toString('base64');
