import { createServer } from 'node:net';

/**
 * A loopback port free right now. The Go components take a port number, not an open socket, so
 * the port is found by binding port 0 and closing it just before the component binds it.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
