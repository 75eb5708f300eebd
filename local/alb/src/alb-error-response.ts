import { STATUS_CODES, type ServerResponse } from 'node:http';

/**
 * An error the load balancer itself returns. ALB answers these with a small HTML page and
 * `Server: awselb/2.0`, not with the application's problem+json: clients of an API behind an ALB
 * have to cope with both, so the local one does the same.
 */
export function albErrorPage(status: number): { headers: Record<string, string>; body: string } {
  const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  const body = `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`;
  return {
    headers: {
      server: 'awselb/2.0',
      'content-type': 'text/html',
      'content-length': String(Buffer.byteLength(body)),
    },
    body,
  };
}

export function sendAlbError(res: ServerResponse, status: number): void {
  const { headers, body } = albErrorPage(status);
  res.writeHead(status, headers).end(body);
}

/** The same page as raw bytes, for a socket the HTTP parser refused (there is no response object). */
export function rawAlbError(status: number): string {
  const { headers, body } = albErrorPage(status);
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    ...head,
    'connection: close',
    '',
    body,
  ].join('\r\n');
}
