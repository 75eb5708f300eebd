// node-postgres's SCRAM-SHA-256 client (pg/lib/crypto/sasl.js: SASLprep, nonce, proofs, and the
// check of the server's signature), which pg ships without types: loaded as the CommonJS module it
// is, and typed here for the three calls the upstream login makes.
import { createRequire } from 'node:module';

export interface ScramSession {
  mechanism: string;
  response: string;
}

interface ScramClient {
  startSession(mechanisms: string[]): ScramSession;
  continueSession(session: ScramSession, password: string, serverData: string): Promise<void>;
  finalizeSession(session: ScramSession, serverData: string): void;
}

export const scram = createRequire(import.meta.url)('pg/lib/crypto/sasl.js') as ScramClient;
