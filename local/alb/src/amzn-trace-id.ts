import { randomBytes } from 'node:crypto';

const rootPattern = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;

/** An X-Ray style trace id: `1-<epoch seconds, 8 hex>-<96 random bits, 24 hex>`. */
export function newTraceIdPart(nowMs: number = Date.now()): string {
  return `1-${Math.floor(nowMs / 1000)
    .toString(16)
    .padStart(8, '0')}-${randomBytes(12).toString('hex')}`;
}

/**
 * What ALB does with `X-Amzn-Trace-Id`: without a valid `Root`, it writes a new header with a new
 * Root; with one, it keeps the Root and the other fields and sets `Self` to an id of its own.
 */
export function amznTraceId(incoming: string | undefined, nowMs: number = Date.now()): string {
  const fields = (incoming ?? '')
    .split(';')
    .map((field) => field.trim())
    .filter((field) => /^[A-Za-z]+=[A-Za-z0-9._:-]{1,64}$/.test(field));
  const root = fields.find((field) => field.startsWith('Root='));
  if (!root || !rootPattern.test(root.slice('Root='.length))) return `Root=${newTraceIdPart(nowMs)}`;
  const kept = fields.filter((field) => !field.startsWith('Self='));
  return [`Self=${newTraceIdPart(nowMs)}`, ...kept].join(';');
}
