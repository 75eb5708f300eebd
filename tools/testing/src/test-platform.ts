import { randomBytes } from 'node:crypto';
import { probeContainerRuntime } from './container-runtime.ts';
import { containerBackend, externalBackend, processBackend, type DatabaseAccess } from './backends.ts';
import { harnessConfig } from './harness-config.ts';

export type BackendKind = 'external' | 'containers' | 'processes';

export interface TestPlatform {
  backend: BackendKind;
  /** Why this backend was chosen, for the test log. */
  reason: string;
  region: string;
  awsEndpoint: string;
  database?: DatabaseAccess;
  /**
   * A resource name safe for this test file: the name itself on a private emulator, a prefixed
   * one on a shared (external) emulator so files never see each other's resources.
   */
  uniqueName(name: string): string;
  stop(): Promise<void>;
}

export interface TestPlatformOptions {
  database?: boolean;
  env?: Record<string, string | undefined>;
}

/**
 * One way for every test to get an emulator (and optionally PostgreSQL): the ones named by
 * AWS_ENDPOINT_URL / DATABASE_URL if set; else containers when an engine answers; else local
 * processes. Each call gets its own emulator and database, so test files are isolated.
 */
export async function startTestPlatform(options: TestPlatformOptions = {}): Promise<TestPlatform> {
  const config = harnessConfig(options.env);
  const withDatabase = options.database ?? false;
  const region = config.AWS_REGION;

  if (config.AWS_ENDPOINT_URL) {
    const prefix = `t${randomBytes(4).toString('hex')}-`;
    const backend = externalBackend(config.AWS_ENDPOINT_URL, withDatabase ? config.DATABASE_URL : undefined);
    if (withDatabase && !backend.database) {
      throw new Error('AWS_ENDPOINT_URL is set but DATABASE_URL is not: give both, or neither');
    }
    return {
      backend: 'external',
      reason: 'AWS_ENDPOINT_URL is set',
      region,
      ...backend,
      uniqueName: (n) => prefix + n,
    };
  }

  const probe =
    config.KEYLESS_TEST_BACKEND === 'processes'
      ? { available: false, detail: 'KEYLESS_TEST_BACKEND=processes' }
      : await probeContainerRuntime(config.DOCKER_HOST);
  const useContainers = config.KEYLESS_TEST_BACKEND === 'containers' || probe.available;
  const kind = useContainers ? 'containers' : 'processes';
  // Say which backend ran: a surprise here explains most "works on my machine" test failures.
  process.stderr.write(`keyless test platform: ${kind} (${probe.detail})\n`);
  const backend = useContainers
    ? await containerBackend(withDatabase, config.LOCALSTACK_AUTH_TOKEN)
    : await processBackend(withDatabase);
  return {
    backend: kind,
    reason: probe.detail,
    region,
    ...backend,
    uniqueName: (n) => n,
  };
}
