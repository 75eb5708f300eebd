import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createPoolJwksCache } from './pool-jwks-cache.ts';

const jwks = { keys: [{ kid: 'k1', kty: 'RSA', alg: 'RS256', use: 'sig', n: 'AQAB', e: 'AQAB' }] };
let requests = 0;
const server = createServer((_req, res) => {
  requests += 1;
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
});
let local: string;

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  local = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pool/.well-known/jwks.json`;
});
afterAll(() => server.close());

const regional = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_A/.well-known/jwks.json';
const global = 'https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_A/.well-known/jwks.json';

test('both issuer formats of the pool share one JWKS, fetched once from the configured URI', async () => {
  requests = 0;
  const fetched: unknown[] = [];
  const cache = createPoolJwksCache({
    poolJwksUris: [regional, global],
    fetchFrom: local,
    onFetched: (e) => fetched.push(e),
  });
  await Promise.all([cache.getJwks(regional), cache.getJwks(global)]);
  expect(requests).toBe(1);
  expect(fetched).toEqual([{ uri: local, keys: 1 }]);
  expect(cache.getCachedJwk(global, { header: { kid: 'k1', alg: 'RS256' } } as never)).toMatchObject({
    kid: 'k1',
  });
});

test('any other JWKS URI is refused without a request', async () => {
  requests = 0;
  const cache = createPoolJwksCache({ poolJwksUris: [regional], fetchFrom: local });
  await expect(cache.getJwks('https://attacker.example/.well-known/jwks.json')).rejects.toThrow(
    /not a JWKS URI of the configured user pool/,
  );
  expect(requests).toBe(0);
});
