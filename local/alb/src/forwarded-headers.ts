import type { IncomingMessage } from 'node:http';
import { amznTraceId } from './amzn-trace-id.ts';

// Connection-scoped headers (RFC 9110 section 7.6.1): they describe the client's connection to the
// ALB, not the ALB's connection to the target, so they are never forwarded.
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

// `drop_invalid_header_fields`: ALB's definition of a valid header name.
const validHeaderName = /^[A-Za-z0-9-]+$/;

export interface ForwardingContext {
  clientIp: string;
  listenerPort: number;
  dropInvalidHeaderFields: boolean;
}

/**
 * The request headers a target receives: the client's (hop-by-hop ones removed, and invalid names
 * dropped when enabled), `Host` preserved, `X-Forwarded-For` appended, `X-Forwarded-Proto` and
 * `X-Forwarded-Port` set, and `X-Amzn-Trace-Id` added or extended, as ALB does.
 */
export function forwardedHeaders(
  req: IncomingMessage,
  context: ForwardingContext,
): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  const connectionTokens = new Set(
    String(req.headers.connection ?? '')
      .split(',')
      .map((token) => token.trim().toLowerCase()),
  );
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const rawName = req.rawHeaders[i] ?? '';
    const value = req.rawHeaders[i + 1] ?? '';
    const name = rawName.toLowerCase();
    if (hopByHop.has(name) || connectionTokens.has(name)) continue;
    if (context.dropInvalidHeaderFields && !validHeaderName.test(rawName)) continue;
    if (name === 'x-forwarded-proto' || name === 'x-forwarded-port' || name === 'x-amzn-trace-id') continue;
    const existing = headers[name];
    headers[name] =
      existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  const forwardedFor = headers['x-forwarded-for'];
  headers['x-forwarded-for'] = [
    ...(forwardedFor === undefined ? [] : Array.isArray(forwardedFor) ? forwardedFor : [forwardedFor]),
    context.clientIp,
  ].join(', ');
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-port'] = String(context.listenerPort);
  const incomingTraceId = req.headers['x-amzn-trace-id'];
  headers['x-amzn-trace-id'] = amznTraceId(
    Array.isArray(incomingTraceId) ? incomingTraceId[0] : incomingTraceId,
  );
  // Content-Length 0 and no body: undici writes the right framing itself.
  if (headers['content-length'] === '0') delete headers['content-length'];
  return headers;
}

/** Response headers a client receives: the target's, minus its connection-scoped ones. */
export function returnedHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !hopByHop.has(name)) result[name] = value;
  }
  return result;
}
