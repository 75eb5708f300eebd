export type { AwsError, GateRequest, IssuedSession, SessionLookup } from './gate-request.ts';
