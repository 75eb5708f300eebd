// A few calls to the API server over its REST API, with a client certificate or a bearer token:
// what the start-up, the node agent and the tests need, without a client library.
import { request } from 'node:https';

export interface KubeResponse<T = unknown> {
  status: number;
  body: T;
  /** `warning` headers (HTTP 299): Pod Security's "would violate" on a CronJob lands here. */
  warnings: string[];
}

/** The text of an HTTP `warning` header (`299 - "<quoted text>"`), as kubectl prints it after `Warning:`. */
export function warningText(header: string): string {
  const quoted = /^\d{3} \S+ "((?:[^"\\]|\\.)*)"/.exec(header)?.[1];
  return quoted === undefined ? header : quoted.replace(/\\(.)/g, '$1');
}

export interface KubeCredentials {
  caCertificate: string;
  cert?: string;
  key?: string;
  token?: string;
}

export class KubeClient {
  readonly server: string;
  readonly credentials: KubeCredentials;

  constructor(server: string, credentials: KubeCredentials) {
    this.server = server;
    this.credentials = credentials;
  }

  /** The same server with other credentials (a bearer token, another client certificate). */
  as(credentials: Omit<KubeCredentials, 'caCertificate'>): KubeClient {
    return new KubeClient(this.server, { caCertificate: this.credentials.caCertificate, ...credentials });
  }

  /** Any call; `body` is sent as JSON unless it is a string (then as given, e.g. a merge patch). */
  call<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<KubeResponse<T>> {
    const { caCertificate, cert, key, token } = this.credentials;
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        new URL(path, this.server),
        {
          method,
          ca: caCertificate,
          cert,
          key,
          headers: {
            // JSON, or the JWKS's own type (/openid/v1/jwks answers 406 to application/json alone).
            accept: 'application/json, application/jwk-set+json',
            ...(payload === undefined ? {} : { 'content-type': contentType }),
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          timeout: 30_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // Not JSON (e.g. /readyz's "ok"): the text as is.
            }
            const warning = res.headers.warning;
            resolve({
              status: res.statusCode ?? 0,
              body: parsed as T,
              warnings: (warning === undefined ? [] : Array.isArray(warning) ? warning : [warning]).map(
                warningText,
              ),
            });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 30 s`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Like call, but any status outside 2xx throws with the API server's message. */
  async ok<T = unknown>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
    const response = await this.call<T>(method, path, body, contentType);
    if (response.status < 200 || response.status >= 300) {
      const message =
        (response.body as { message?: string } | undefined)?.message ?? JSON.stringify(response.body);
      throw new Error(`${method} ${path}: HTTP ${response.status}: ${message}`);
    }
    return response.body;
  }

  /** Server-side apply of one object as `fieldManager`. */
  apply<T = unknown>(path: string, object: unknown, fieldManager: string): Promise<T> {
    return this.ok<T>(
      'PATCH',
      `${path}?fieldManager=${encodeURIComponent(fieldManager)}&force=true`,
      JSON.stringify(object),
      'application/apply-patch+yaml',
    );
  }
}
