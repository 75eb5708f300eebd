import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsSettings } from './aws-settings.ts';

const defaults = { maxAttempts: 3, connectionTimeoutMs: 3_000, requestTimeoutMs: 10_000 };

/**
 * The configuration every client shares. It has no `credentials` key on purpose; callers that
 * spread it into a client constructor get the default provider chain.
 */
export function clientConfig(settings: AwsSettings) {
  return {
    region: settings.region,
    retryMode: 'standard' as const,
    maxAttempts: settings.maxAttempts ?? defaults.maxAttempts,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: settings.connectionTimeoutMs ?? defaults.connectionTimeoutMs,
      requestTimeout: settings.requestTimeoutMs ?? defaults.requestTimeoutMs,
    }),
  };
}
