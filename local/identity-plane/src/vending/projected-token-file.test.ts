import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { IRSA_AUDIENCE, irsaEnvironment, startProjectedTokenFile } from './projected-token-file.ts';
import { captureLogger } from './testing/capture-logger.ts';
import { resolveInChildProcess } from './testing/run-default-chain.ts';
import { startTestOidcIssuer, type TestOidcIssuer } from './testing/test-oidc-issuer.ts';
import { startTestSts } from './testing/test-sts.ts';

const roleArn = 'arn:aws:iam::123456789012:role/usage-reporter';
const { logger } = captureLogger();
const directory = mkdtempSync(join(tmpdir(), 'projected-token-'));
let eks: TestOidcIssuer;

beforeAll(async () => {
  eks = await startTestOidcIssuer();
});
afterAll(async () => {
  await eks.close();
  rmSync(directory, { recursive: true, force: true });
});

function tokenFile(name: string, expiresInSeconds?: number) {
  return startProjectedTokenFile({
    minter: eks,
    path: join(directory, name, 'token'),
    namespace: 'keyless',
    serviceAccount: 'usage-reporter',
    expiresInSeconds,
    logger,
  });
}

describe('the IRSA token file', () => {
  test('holds a token of the EKS issuer for the service account, audience sts.amazonaws.com, readable only by its owner', async () => {
    const file = await tokenFile('claims');
    file.stop();
    const token = await readFile(file.path, 'utf8');
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(eks.jwksUrl)), {
      issuer: eks.issuerUrl,
      audience: IRSA_AUDIENCE,
    });
    expect(payload.sub).toBe('system:serviceaccount:keyless:usage-reporter');
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(86_400);
    expect(payload['kubernetes.io']).toEqual({
      namespace: 'keyless',
      pod: { name: 'usage-reporter-local', uid: expect.stringMatching(/^[0-9a-f]{8}-/) },
      serviceaccount: { name: 'usage-reporter', uid: expect.any(String) },
    });
    expect(statSync(file.path).mode & 0o777).toBe(0o600);
    expect(irsaEnvironment(roleArn, file)).toEqual({
      AWS_ROLE_ARN: roleArn,
      AWS_WEB_IDENTITY_TOKEN_FILE: file.path,
    });
  });

  test('is rewritten at 80% of its lifetime', async () => {
    // Fake clock: the test steps time instead of waiting for it. File writes stay real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    const file = await tokenFile('schedule', 100);
    try {
      await vi.advanceTimersByTimeAsync(79_999);
      expect(file.writes).toBe(1);
      await vi.advanceTimersByTimeAsync(1);
      await vi.waitFor(() => expect(file.writes).toBe(2));
      const { iat } = decodeJwt(await readFile(file.path, 'utf8'));
      expect(iat).toBe(Date.parse('2026-01-01T00:01:20Z') / 1000);
    } finally {
      file.stop();
      vi.useRealTimers();
    }
  });

  test('is replaced while being read, and a reader never sees it empty or partial', async () => {
    const file = await tokenFile('rotation', 2);
    const seen = new Set<string>();
    let reads = 0;
    try {
      while (seen.size < 3) {
        const token = await readFile(file.path, 'utf8');
        reads += 1;
        // A complete token decodes; an empty or half-written one throws.
        expect(decodeJwt(token).sub).toBe('system:serviceaccount:keyless:usage-reporter');
        seen.add(token);
      }
    } finally {
      file.stop();
    }
    expect(reads).toBeGreaterThan(seen.size);
    // Every temporary file was renamed into place: nothing is left beside the token.
    expect(readdirSync(join(directory, 'rotation'))).toEqual(['token']);
  });

  test('stop() ends the rotation', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    let mints = 0;
    try {
      const file = await startProjectedTokenFile({
        // Counts at the call: a rotation that started would show even before its file write ends.
        minter: { issuerUrl: eks.issuerUrl, mint: (options) => ((mints += 1), eks.mint(options)) },
        path: join(directory, 'stopped', 'token'),
        namespace: 'keyless',
        serviceAccount: 'usage-reporter',
        expiresInSeconds: 100,
        logger,
      });
      file.stop();
      await vi.advanceTimersByTimeAsync(1_000_000);
      expect(mints).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('a process started with only the IRSA variables', () => {
  test('keeps getting credentials across several refreshes while its token file is rotated', async () => {
    // STS credentials with four minutes left: the SDK re-assumes the role on every resolution,
    // each time reading the token file anew, which meanwhile is rewritten every 1.6 s.
    const sts = await startTestSts(eks, 240);
    const file = await tokenFile('irsa', 2);
    try {
      const result = await resolveInChildProcess(
        { ...irsaEnvironment(roleArn, file), AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_STS: sts.url },
        { distinct: 40 },
      );
      expect(result.error).toBeUndefined();
      expect(result.accessKeyIds).toHaveLength(40);
    } finally {
      file.stop();
      await sts.close();
    }
    // STS verified tokens from more than one rotation of the file.
    const verifiedTokens = new Set(sts.calls.filter((call) => call.verified).map((call) => call.token));
    expect(verifiedTokens.size).toBeGreaterThanOrEqual(2);
    // EKS sets no AWS_ROLE_SESSION_NAME; the SDK names the session itself.
    expect(sts.calls[0]?.roleSessionName).toMatch(/^aws-sdk-js-session-\d+$/);
  });
});
