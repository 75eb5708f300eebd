// A function whose bundle was never built is refused at start, with the path and the command that
// builds it, before any role is assumed or any process started.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '@keyless/logging';
import { afterAll, describe, expect, test } from 'vitest';
import { startLocalLambda, type LocalLambdaOptions } from '../src/index.ts';
import { bundleBuildCommand } from '../src/function-bundle.ts';

const workspace = mkdtempSync(join(tmpdir(), 'keyless-missing-bundle-'));
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

// An Nx project `fn` that bundles into apps/fn/dist, which was never built.
mkdirSync(join(workspace, 'apps/fn'), { recursive: true });
writeFileSync(
  join(workspace, 'apps/fn/project.json'),
  JSON.stringify({
    name: 'fn',
    targets: { lint: {}, bundle: { outputs: ['{projectRoot}/dist'] } },
  }),
);

const assumedRoles: string[] = [];
const options = (codeDirectory: string): LocalLambdaOptions => ({
  function: {
    functionName: 'fn',
    codeDirectory,
    handler: 'index.handler',
    roleArn: 'arn:aws:iam::123456789012:role/fn',
    region: 'eu-west-1',
    memorySizeMb: 128,
    timeoutSeconds: 3,
    environment: {},
  },
  trigger: { bucket: 'files', prefix: 'incoming/' },
  failureDestination: { queueUrl: 'http://127.0.0.1:9/123456789012/failures' },
  emulator: { endpoint: 'http://127.0.0.1:9', region: 'eu-west-1' },
  issuer: async (request) => {
    assumedRoles.push(request.roleArn);
    throw new Error('the runtime went on to assume the role');
  },
  logger: createLogger({
    service: 'local-lambda',
    level: 'info',
    destination: new Writable({ write: (_c, _e, done) => done() }),
  }),
});

describe('a function without its bundle', () => {
  test('is refused at start, naming the directory and the Nx target that builds it', async () => {
    const dist = join(workspace, 'apps/fn/dist');
    await expect(startLocalLambda(options(dist))).rejects.toThrow(
      `fn: no bundle in ${dist} (handler index.handler needs one of index.mjs, index.js, index.cjs); ` +
        'build it with `npx nx run fn:bundle`',
    );
    expect(assumedRoles).toEqual([]);
  });

  test('is refused when the directory exists but holds no module for the handler', async () => {
    const dist = join(workspace, 'apps/fn/dist');
    mkdirSync(dist, { recursive: true });
    writeFileSync(join(dist, 'other.mjs'), 'export const handler = async () => {};');
    await expect(startLocalLambda(options(dist))).rejects.toThrow(`fn: no bundle in ${dist}`);
  });

  test('outside an Nx project, is refused with the path alone', async () => {
    const loose = join(tmpdir(), 'keyless-no-project', 'dist');
    await expect(startLocalLambda(options(loose))).rejects.toThrow(
      `no bundle in ${loose} (handler index.handler needs one of index.mjs, index.js, index.cjs); ` +
        'build the function into that directory first',
    );
  });

  test("names the upload-processor's bundle target for the directory npm start runs it from", () => {
    const repoRoot = join(import.meta.dirname, '../../..');
    expect(bundleBuildCommand(join(repoRoot, 'apps/upload-processor/dist'))).toBe(
      'npx nx run upload-processor:bundle',
    );
  });
});
