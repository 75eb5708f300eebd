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
 * AWS_ENDPOINT_URL / DATABASE_URL if set; else containers when KEYLESS_TEST_BACKEND=containers
 * (moto only; an engine must answer); else local processes. Each call gets its own emulator and
 * database, so test files are isolated. Containers only when asked, not whenever an engine
 * answers: CI brings an engine up for the compose tests, and every suite switching backends with
 * it would make the same commit test differently on two machines.
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
  const useContainers = config.KEYLESS_TEST_BACKEND === 'containers';
  const probe = useContainers
    ? await probeContainerRuntime(config.DOCKER_HOST)
    : {
        available: false,
        detail: config.KEYLESS_TEST_BACKEND
          ? `KEYLESS_TEST_BACKEND=${config.KEYLESS_TEST_BACKEND}`
          : 'the default; KEYLESS_TEST_BACKEND=containers for containers',
      };
  if (useContainers && !probe.available) {
    throw new Error(`KEYLESS_TEST_BACKEND=containers, but ${probe.detail}`);
  }
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
