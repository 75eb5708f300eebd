// node-postgres's SCRAM-SHA-256 client (pg/lib/crypto/sasl.js), which ships no types of its own.
declare module 'pg/lib/crypto/sasl.js' {
  interface SaslSession {
    mechanism: string;
    response: string;
    message: string;
  }
  export function startSession(mechanisms: string[], stream?: unknown): SaslSession;
  export function continueSession(
    session: SaslSession,
    password: string,
    serverData: string,
    stream?: unknown,
  ): Promise<void>;
  export function finalizeSession(session: SaslSession, serverData: string): void;
}
