// The local stand-in for the GitHub Actions runner's ID-token endpoint. On GitHub a job with
// `id-token: write` gets ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN and asks
// that URL for a token whose claims describe the run. Locally there is no run, so the request
// says which run to pretend to be; the bearer token (only in platform.json) keeps it to this user.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { githubClaims, mintGithubToken, type TokenMinter } from '@keyless/identity-plane';
import * as z from 'zod';

const runQuery = z.object({
  audience: z.string().min(1).default('sts.amazonaws.com'),
  event: z.enum(['push', 'pull_request']).default('push'),
  ref: z.string().min(1).optional(),
  environment: z.string().min(1).optional(),
  owner: z.string().min(1).optional(),
  repo: z.string().min(1).optional(),
  immutableSubject: z.stringbool().optional(),
});

export interface GithubTokenService {
  /** ACTIONS_ID_TOKEN_REQUEST_URL */
  url: string;
  /** ACTIONS_ID_TOKEN_REQUEST_TOKEN */
  requestToken: string;
  close(): Promise<void>;
}

export async function startGithubTokenService(
  minter: TokenMinter,
  repository: { owner: string; repo: string },
): Promise<GithubTokenService> {
  const requestToken = randomBytes(24).toString('base64url');
  const expected = Buffer.from(`Bearer ${requestToken}`);
  const server = createServer((req, res) => {
    const presented = Buffer.from(req.headers.authorization ?? '');
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"bad request token"}');
      return;
    }
    const parsed = runQuery.safeParse(Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams));
    if (!parsed.success) {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"message":"bad run description"}');
      return;
    }
    const { audience, owner, repo, ...run } = parsed.data;
    const claims = githubClaims({ owner: owner ?? repository.owner, repo: repo ?? repository.repo, ...run });
    mintGithubToken(minter, claims, { audience }).then(
      (value) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ value })),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/token`,
    requestToken,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
