import * as z from 'zod/mini';
import { oneLineReason } from './one-line-reason.ts';
import { uploadProcessedV1 } from './upload-processed.ts';

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
  return result.success
    ? { ok: true, event: result.data }
    : { ok: false, reason: oneLineReason(result.error) };
}
