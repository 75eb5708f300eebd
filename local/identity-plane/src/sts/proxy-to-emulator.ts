// Every STS call the front does not decide itself goes to the emulator exactly as it came:
// method, path, headers (Host and the SigV4 signature included) and body.
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';

export function proxyToEmulator(
  emulator: URL,
  req: IncomingMessage,
  body: Buffer,
  res: ServerResponse,
): void {
  const send = emulator.protocol === 'https:' ? httpsRequest : httpRequest;
  const upstream = send(
    { host: emulator.hostname, port: emulator.port, method: req.method, path: req.url, headers: req.headers },
    (response) => {
      res.writeHead(response.statusCode ?? 502, response.rawHeaders);
      response.pipe(res);
    },
  );
  upstream.on('error', (error) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`the emulator at ${emulator.origin} is unreachable: ${error.message}`);
  });
  upstream.end(body);
}
