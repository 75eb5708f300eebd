// One loopback HTTP server hosting both local issuers under path prefixes, the way an issuer URL
// may carry a path (EKS: https://oidc.eks.<region>.amazonaws.com/id/<id>).
import { createServer } from 'node:http';
import { close, listen } from '../loopback-server.ts';
import { createOidcIssuer, DISCOVERY_PATH, JWKS_PATH, type OidcIssuer } from './oidc-issuer.ts';

export interface OidcIssuers {
  /** Base URL of the server, e.g. http://127.0.0.1:41234 */
  url: string;
  /** The "EKS cluster" issuer: `<url>/eks`. */
  eks: OidcIssuer;
  /** The "GitHub Actions" issuer: `<url>/github`. */
  github: OidcIssuer;
  close(): Promise<void>;
}

export interface OidcIssuersOptions {
  /** Loopback only by default: the issuers are for this machine. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
}

export async function startOidcIssuers({
  host = '127.0.0.1',
  port = 0,
}: OidcIssuersOptions = {}): Promise<OidcIssuers> {
  const documents = new Map<string, unknown>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://issuer').pathname;
    const body = req.method === 'GET' ? documents.get(path) : undefined;
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    res
      .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=60' })
      .end(JSON.stringify(body));
  });
  const url = await listen(server, host, port);

  const [eks, github] = await Promise.all([
    createOidcIssuer(`${url}/eks`),
    createOidcIssuer(`${url}/github`),
  ]);
  for (const issuer of [eks, github]) {
    const prefix = new URL(issuer.issuerUrl).pathname;
    documents.set(`${prefix}${DISCOVERY_PATH}`, issuer.discovery);
    documents.set(`${prefix}${JWKS_PATH}`, issuer.jwks);
  }
  return {
    url,
    eks,
    github,
    close: () => close(server),
  };
}
