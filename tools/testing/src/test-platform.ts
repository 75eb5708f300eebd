import { randomBytes } from 'node:crypto';
import type { Emulator } from '@keyless/local-platform';
import { probeContainerRuntime } from './container-runtime.ts';
import { containerBackend, externalBackend, processBackend, type DatabaseAccess } from './backends.ts';
import { harnessConfig } from './harness-config.ts';

export type BackendKind = 'external' | 'containers' | 'processes';

export interface TestPlatform {
  backend: BackendKind;
  /**
   * The emulator started for this file (docs/emulators.md says what each has); undefined for an
   * external one and for LocalStack's image (with LOCALSTACK_AUTH_TOKEN), which is not its core.
   */
  emulator?: Emulator;
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
  /** Default: KEYLESS_EMULATOR, else moto. Only moto has a container image: the others run as processes. */
  emulator?: Emulator;
  env?: Record<string, string | undefined>;
}

/**
 * One way for every test to get an emulator (and optionally PostgreSQL): the ones named by
 * AWS_ENDPOINT_URL / DATABASE_URL if set; else containers when an engine answers (moto only);
 * else local processes. Each call gets its own emulator and database, so test files are isolated.
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

  const emulator = options.emulator ?? config.KEYLESS_EMULATOR;
  if (emulator !== 'moto' && config.KEYLESS_TEST_BACKEND === 'containers') {
    throw new Error(
      `KEYLESS_TEST_BACKEND=containers has no image for ${emulator}: only moto runs as a container`,
    );
  }
  const probe =
    config.KEYLESS_TEST_BACKEND === 'processes'
      ? { available: false, detail: 'KEYLESS_TEST_BACKEND=processes' }
      : emulator === 'moto'
        ? await probeContainerRuntime(config.DOCKER_HOST)
        : { available: false, detail: `${emulator} runs as a process` };
  const useContainers = config.KEYLESS_TEST_BACKEND === 'containers' || probe.available;
  const kind = useContainers ? 'containers' : 'processes';
  const started = useContainers && config.LOCALSTACK_AUTH_TOKEN ? undefined : emulator;
  // Say which backend ran: a surprise here explains most "works on my machine" test failures.
  process.stderr.write(
    `keyless test platform: ${kind}, ${started ?? "LocalStack's image"} (${probe.detail})\n`,
  );
  const backend = useContainers
    ? await containerBackend(withDatabase, config.LOCALSTACK_AUTH_TOKEN)
    : await processBackend(withDatabase, emulator);
  return {
    backend: kind,
    ...(started && { emulator: started }),
    reason: probe.detail,
    region,
    ...backend,
    uniqueName: (n) => n,
  };
}
