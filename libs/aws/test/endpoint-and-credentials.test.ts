import { spawnSync } from 'node:child_process';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import {
  awsSettingsFrom,
  clientConfig,
  createPresigningS3Client,
  createS3Client,
  createSqsClient,
} from '../src/index.ts';
import { startRecordingServer } from './recording-server.ts';

let server: Awaited<ReturnType<typeof startRecordingServer>>;
beforeAll(async () => {
  server = await startRecordingServer();
});
afterAll(() => server.close());
afterEach(() => {
  vi.unstubAllEnvs();
  server.requests.length = 0;
});

function withDummyCredentials() {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test-key');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test-secret');
}

describe('endpoint resolution', () => {
  test('AWS_ENDPOINT_URL sends every service to the override, S3 path-style', async () => {
    withDummyCredentials();
    vi.stubEnv('AWS_ENDPOINT_URL', server.url);
    const settings = awsSettingsFrom({ AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: server.url });
    await expect(
      createS3Client({ ...settings, maxAttempts: 1 }).send(new ListObjectsV2Command({ Bucket: 'b' })),
    ).rejects.toThrow();
    expect(server.requests[0]?.url).toMatch(/^\/b\/?\?list-type=2/);
    expect(server.requests[0]?.headers.host).toBe(new URL(server.url).host);
  });

  test('AWS_ENDPOINT_URL_<SERVICE> wins over AWS_ENDPOINT_URL for that service only', async () => {
    withDummyCredentials();
    vi.stubEnv('AWS_ENDPOINT_URL', 'http://127.0.0.1:9');
    vi.stubEnv('AWS_ENDPOINT_URL_SQS', server.url);
    const settings = { region: 'eu-west-1', endpointOverridden: true, maxAttempts: 1 };
    await expect(createSqsClient(settings).send(new ListQueuesCommand({}))).rejects.toThrow();
    expect(server.requests).toHaveLength(1);
  });

  test('without an override, S3 keeps virtual-hosted addressing', () => {
    const settings = awsSettingsFrom({ AWS_REGION: 'eu-west-1' });
    expect(settings.endpointOverridden).toBe(false);
    expect(createS3Client(settings).config.forcePathStyle).toBe(false);
  });

  test('a presigning client: the same addressing, and checksums only where S3 requires them', async () => {
    for (const endpointOverridden of [true, false]) {
      const settings = { region: 'eu-west-1', endpointOverridden };
      const presigning = createPresigningS3Client(settings).config;
      expect(presigning.forcePathStyle).toBe(endpointOverridden);
      expect(await presigning.requestChecksumCalculation()).toBe('WHEN_REQUIRED');
      // The ordinary client keeps the SDK's default: it sends bodies itself, so it can checksum them.
      expect(await createS3Client(settings).config.requestChecksumCalculation()).toBe('WHEN_SUPPORTED');
    }
  });

  test('shared config: standard retry mode, bounded attempts, and no credentials key at all', () => {
    const config = clientConfig({ region: 'eu-west-1', endpointOverridden: false });
    expect(config.retryMode).toBe('standard');
    expect(config.maxAttempts).toBe(3);
    expect(Object.keys(config)).not.toContain('credentials');
  });
});

describe('credentials come only from the default provider chain', () => {
  test('with nothing in the chain, a call fails with the SDK credential error', () => {
    // A child process with a scrubbed environment: no keys, no profile files, no container or
    // web-identity variables, and IMDS switched off so the chain ends quickly.
    const script = `
      import { createS3Client } from '${new URL('../src/index.ts', import.meta.url).pathname}';
      import { ListBucketsCommand } from '@aws-sdk/client-s3';
      try {
        await createS3Client({ region: 'eu-west-1', endpointOverridden: true }).send(new ListBucketsCommand({}));
        console.log('UNEXPECTED: call succeeded');
      } catch (error) { console.log(error.name + ': ' + error.message); }
    `;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: new URL('..', import.meta.url).pathname,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        HOME: '/nonexistent',
        AWS_ENDPOINT_URL: server.url,
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
        AWS_CONFIG_FILE: '/nonexistent/config',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    });
    expect(result.stdout).toMatch(/^CredentialsProviderError: /);
    expect(server.requests).toHaveLength(0);
  });
});
