import { en } from 'zod/locales';
import * as z from 'zod/mini';
import { uploadProcessedV1 } from './upload-processed.ts';

// zod/mini comes without messages ("Invalid input" for everything); a rejected message's reason
// must name its problem. The English ones are ~3 KiB.
z.config(en());

/** Every message the `ledger-events` queue carries; new types or versions join this union. */
export const ledgerEvent = z.discriminatedUnion('type', [uploadProcessedV1]);
export type LedgerEvent = z.output<typeof ledgerEvent>;

export type ParsedLedgerEvent = { ok: true; event: LedgerEvent } | { ok: false; reason: string };

/**
 * Parses a raw SQS message body. Never throws: a body that is not JSON, or not a known
 * type/version, or has a bad field, comes back with a one-line reason naming the problem.
 */
export function parseLedgerEvent(body: string | undefined): ParsedLedgerEvent {
  let json: unknown;
  try {
    json = JSON.parse(body ?? '');
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  const result = ledgerEvent.safeParse(json);
  if (result.success) return { ok: true, event: result.data };
  // The first few problems say enough; a hostile body must not turn into a megabyte log line.
  const reason = result.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
    .join('; ');
  return { ok: false, reason };
}
