// The Docker Engine API over DOCKER_HOST (unix:// or tcp://), or the default socket, without a client library.
import { request } from 'node:http';

export function engineRequest(
  dockerHost: string | undefined,
  method: string,
  path: string,
  timeoutMs = 10_000,
): Promise<{ status: number; body: string }> {
  const target =
    dockerHost && !dockerHost.startsWith('unix://')
      ? (() => {
          const url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
          return { host: url.hostname, port: Number(url.port || 2375) };
        })()
      : { socketPath: dockerHost ? dockerHost.slice('unix://'.length) : '/var/run/docker.sock' };
  return new Promise((resolve, reject) => {
    const req = request({ ...target, method, path, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status >= 400 && status !== 404)
          reject(new Error(`${method} ${path}: HTTP ${status} ${body.trim()}`));
        else resolve({ status, body });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
