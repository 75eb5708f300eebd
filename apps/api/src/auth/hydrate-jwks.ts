import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@keyless/logging';
import type { Readiness } from '../http/readiness.ts';
import type { AccessTokenVerifier } from './verify-access-token.ts';

/**
 * Fetches the pool's JWKS before traffic arrives, retrying with backoff (up to 30 s apart) until it
 * works or `signal` aborts. Until then `/readyz` fails, so the load balancer sends nothing: a start
 * before the identity provider answers is a wait, not a crash loop.
 */
export async function hydrateJwks(
  verifier: AccessTokenVerifier,
  readiness: Readiness,
  logger: Logger,
  signal: AbortSignal,
): Promise<void> {
  for (
    let attempt = 1, delayMs = 500;
    !signal.aborted;
    attempt += 1, delayMs = Math.min(delayMs * 2, 30_000)
  ) {
    try {
      await verifier.hydrate();
      readiness.markJwksReady();
      return;
    } catch (error) {
      logger.warn(
        { err: error, attempt, retryInMs: delayMs },
        'JWKS not available yet; /readyz fails until it is',
      );
      await sleep(delayMs, undefined, { signal }).catch(() => undefined);
    }
  }
}
