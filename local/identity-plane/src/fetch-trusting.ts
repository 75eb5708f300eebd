// Node's fetch takes no per-request CA, and jose fetches JWKS with fetch: this is a fetch that trusts
// one CA, for an issuer whose certificate a local CA signed (a local Kubernetes API server's).
import { request } from 'node:https';

/** fetch, trusting one CA (Node's fetch takes no per-request CA): for jose and the discovery. */
export function fetchTrusting(caCertificate: string): typeof fetch {
  return (input, init) =>
    new Promise((resolve, reject) => {
      const req = request(
        input instanceof Request ? input.url : String(input),
        { method: init?.method ?? 'GET', ca: caCertificate, signal: init?.signal ?? undefined },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve(
              new Response(Buffer.concat(chunks), {
                status: res.statusCode ?? 502,
                headers: Object.entries(res.headers).flatMap(([name, value]) =>
                  value === undefined ? [] : [[name, String(value)] as [string, string]],
                ),
              }),
            ),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    });
}
