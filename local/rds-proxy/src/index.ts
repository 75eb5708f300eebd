export {
  startRdsProxy,
  noTlsMessage,
  type ConnectEvent,
  type RdsProxy,
  type RdsProxyOptions,
} from './rds-proxy-server.ts';
export { checkToken, maxTokenLifetimeSeconds, type TokenCheck } from './check-token.ts';
export { parseIamToken, type IamToken } from './iam-token.ts';
export type { UpstreamCredential } from './upstream-login.ts';
export { secretCredentials, type SecretCredentialsOptions } from './secret-credentials.ts';
export { startLedgerProxy, type LedgerProxyOptions } from './ledger-proxy.ts';
