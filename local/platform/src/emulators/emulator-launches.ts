import { join } from 'node:path';
import { emulatorAccountId } from '@keyless/emulator-admin';
import type { Emulator } from './emulators.ts';

/** How one emulator is run: always on 127.0.0.1, on the port it is given. */
export interface EmulatorLaunch {
  /** What it is, for messages. */
  title: string;
  /** The arguments of `python -m`. */
  arguments(port: number): string[];
  /** Its settings; `scratch` is a fresh directory (also its TMPDIR), deleted when it stops. */
  environment(port: number, scratch: string): Record<string, string>;
  /** Answers 2xx once it serves requests. */
  healthPath: string;
  /** A POST here drops every resource; without one, a reset restarts the process with fresh state. */
  resetPath?: string;
}

// LocalStack core serves these without Docker or Java. DynamoDB would first try to download a JDK
// for DynamoDB Local (non-OSI licence) and fail after ~10 s; left out, its calls fail at once (501).
const localstackServices = ['iam', 's3', 'secretsmanager', 'sqs', 'sts'];

export const emulatorLaunches: Record<Emulator, EmulatorLaunch> = {
  moto: {
    title: 'moto server',
    arguments: (port) => ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)],
    environment: () => ({}),
    healthPath: '/moto-api/',
    resetPath: '/moto-api/reset',
  },
  ministack: {
    title: 'ministack',
    arguments: () => ['-m', 'ministack'],
    environment: (port, scratch) => ({
      GATEWAY_PORT: String(port),
      BIND_HOST: '127.0.0.1',
      // Each opens a listener on a port of its own (MQTT over TLS on 8883), which instances cannot share.
      IOT_MTLS_ENABLED: '0',
      SFTP_ENABLED: '0',
      // moto's fixed account, which the bootstrap writes into every ARN (ministack's default is 000000000000).
      MINISTACK_ACCOUNT_ID: emulatorAccountId,
      // Cognito's signing keys are kept here; the default is one /tmp directory shared by every instance.
      STATE_DIR: join(scratch, 'state'),
    }),
    healthPath: '/_ministack/health',
    resetPath: '/_ministack/reset',
  },
  localstack: {
    title: 'LocalStack core',
    arguments: () => ['-m', 'localstack.runtime.main'],
    environment: (port, scratch) => ({
      GATEWAY_LISTEN: `127.0.0.1:${port}`,
      LOCALSTACK_HOST: `127.0.0.1:${port}`,
      OVERRIDE_IN_DOCKER: '0',
      FILESYSTEM_ROOT: join(scratch, 'filesystem'),
      // Otherwise it serves DNS on port 53 of every interface.
      DNS_ADDRESS: '0',
      // Nothing from the network: no certificate download, no usage events sent to LocalStack.
      SKIP_SSL_CERT_DOWNLOAD: '1',
      DISABLE_EVENTS: '1',
      SQS_ENDPOINT_STRATEGY: 'path',
      SERVICES: localstackServices.join(','),
      // Its plugin index, otherwise written to ~/.cache/plux.
      XDG_CACHE_HOME: join(scratch, 'cache'),
    }),
    healthPath: '/_localstack/health',
  },
};
