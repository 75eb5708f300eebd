import type { Span } from '@opentelemetry/api';
import { ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';

/**
 * Gives an HTTP server span its route template, as `http.route` and in its name
 * (`GET /v1/uploads/:uploadId`, never the raw path with its ids). Express leaves the matched route
 * on the request (`req.route.path`); the HTTP instrumentation calls this as the response finishes.
 */
export function nameServerSpanAfterRoute(span: Span, request: object): void {
  const route: unknown = (request as { route?: { path?: unknown } }).route?.path;
  if (typeof route !== 'string') return;
  span.setAttribute(ATTR_HTTP_ROUTE, route);
  span.updateName(`${(request as { method?: string }).method ?? 'GET'} ${route}`);
}
