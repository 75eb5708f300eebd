// What clients reach at https://localhost:<port>: the token endpoint at /token, and everything
// else passed to the registry process (plain HTTP on loopback) as it came, streamed both ways.
// One thing the registry cannot do is added here: ECR's tag immutability. Distribution lets a
// tag move to any manifest; the CDK app makes every repository IMMUTABLE, so a manifest PUT to a
// tag the repository already has is refused with ECR's message before the registry sees it.
// The registry itself still verifies every bearer token: the front decides nothing about access.
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { registryError } from './token-endpoint.ts';

const MANIFEST_PATH = /^\/v2\/(.+)\/manifests\/([^/]+)$/;

export function tagImmutabilityMessage(tag: string, repository: string): string {
  return `The image tag '${tag}' already exists in the '${repository}' repository and cannot be overwritten because the repository is immutable.`;
}

export function registryFront(options: {
  upstream: { host: string; port: number };
  token: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Told of each refused tag, with the request (whose bearer token the registry accepted). */
  onTagRefused?: (repository: string, tag: string, req: IncomingMessage) => void;
}) {
  const { upstream } = options;

  /** Whether the tag already names a manifest, asked with the caller's own bearer token. */
  const tagExists = (path: string, req: IncomingMessage) =>
    new Promise<boolean>((resolve, reject) => {
      const head = httpRequest(
        {
          ...upstream,
          method: 'HEAD',
          path,
          headers: {
            ...(req.headers.authorization && { authorization: req.headers.authorization }),
            accept: req.headers['content-type'] ?? '*/*',
            host: req.headers.host ?? 'localhost',
          },
        },
        (answer) => {
          answer.resume();
          resolve(answer.statusCode === 200);
        },
      );
      head.on('error', reject).end();
    });

  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const upstreamRequest = httpRequest(
      {
        ...upstream,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, 'x-forwarded-proto': 'https' },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstreamRequest.on('error', () => {
      if (!res.headersSent)
        registryError(res, 502, 'UNAVAILABLE', 'the local registry process is not answering');
      else res.destroy();
    });
    req.pipe(upstreamRequest);
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/token') return options.token(req, res);
    const manifest = MANIFEST_PATH.exec(path);
    const tag = manifest?.[2];
    if (req.method === 'PUT' && manifest?.[1] && tag && !tag.includes(':') && (await tagExists(path, req))) {
      req.resume();
      options.onTagRefused?.(manifest[1], tag, req);
      return registryError(res, 400, 'TAG_INVALID', tagImmutabilityMessage(tag, manifest[1]));
    }
    forward(req, res);
  };
}
