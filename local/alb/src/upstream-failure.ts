export interface UpstreamFailure {
  /** What the ALB answers: ALB's codes, 460 (its log code) when the client went away first. */
  status: number;
  code: string;
  /** The connection failed before any response: a safe method may be sent to another target. */
  connectionLevel: boolean;
}

const connectionLevel = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/** Maps an undici error to ALB's answer: 502 for a refused/broken/garbled exchange, 504 for timeouts. */
export function upstreamFailure(error: unknown): UpstreamFailure {
  const code = String((error as { code?: unknown }).code ?? (error as { name?: unknown }).name ?? 'unknown');
  switch (code) {
    case 'UND_ERR_ABORTED':
    case 'AbortError':
      return { status: 460, code, connectionLevel: false };
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return { status: 504, code, connectionLevel: false };
    case 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH':
      return { status: 400, code, connectionLevel: false };
    default:
      return { status: 502, code, connectionLevel: connectionLevel.has(code) };
  }
}
