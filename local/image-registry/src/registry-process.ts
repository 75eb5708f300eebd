// The CNCF Distribution registry as a child process: plain HTTP on a loopback port only the
// front reaches, images on disk, token authentication against our signer's certificate. Its
// configuration is written at start (Distribution reads one YAML file); JSON is YAML, so no
// YAML library is needed.
import type { ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { spawnOwned, stopOwned } from '@keyless/owned-process';

export interface RegistryProcessOptions {
  binary: string;
  /** Where the configuration, the token certificate and (unless `storageDir`) the images go. */
  workDir: string;
  storageDir?: string;
  /** `null` runs it without authentication (the benchmark's baseline). */
  auth: { realm: string; service: string; issuer: string; certificate: string } | null;
  /** Serve TLS itself (the benchmark's baseline; behind the front it speaks plain HTTP on loopback). */
  tls?: { cert: string; key: string };
}

export interface RegistryProcess {
  host: string;
  port: number;
  close(): Promise<void>;
}

export async function startRegistryProcess(options: RegistryProcessOptions): Promise<RegistryProcess> {
  const port = await freePort();
  const certificateFile = join(options.workDir, 'token-signer.pem');
  const config = {
    version: 0.1,
    log: { level: 'warn', formatter: 'text' },
    storage: {
      filesystem: { rootdirectory: options.storageDir ?? join(options.workDir, 'images') },
      delete: { enabled: false },
    },
    // Relative Location headers: the client follows them through the front, not to this port.
    http: {
      addr: `127.0.0.1:${port}`,
      relativeurls: true,
      ...(options.tls && {
        tls: {
          certificate: join(options.workDir, 'registry.crt'),
          key: join(options.workDir, 'registry.key'),
        },
      }),
    },
    ...(options.auth && {
      auth: {
        token: {
          realm: options.auth.realm,
          service: options.auth.service,
          issuer: options.auth.issuer,
          rootcertbundle: certificateFile,
          signingalgorithms: ['RS256'],
        },
      },
    }),
  };
  if (options.auth) await writeFile(certificateFile, options.auth.certificate);
  if (options.tls) {
    await writeFile(join(options.workDir, 'registry.crt'), options.tls.cert);
    await writeFile(join(options.workDir, 'registry.key'), options.tls.key, { mode: 0o600 });
  }
  const configFile = join(options.workDir, 'registry.json.yml');
  await writeFile(configFile, JSON.stringify(config, null, 2));
  // Owned: in a group of its own, and stopped by the lifeline's watchdog if this process dies
  // (a SIGKILLed `npm start` leaves no registry behind).
  const child = spawnOwned(options.binary, ['serve', configFile], {
    // Distribution exports traces when asked; the local system does not ask.
    env: {
      ...process.env,
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  await waitForRegistry(child, `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}/v2/`, () => stderr);
  return { host: '127.0.0.1', port, close: () => stopOwned(child, 5_000) };
}

async function waitForRegistry(child: ChildProcess, url: string, stderr: () => string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the registry exited with ${child.exitCode}: ${stderr()}`);
    }
    // Any answer will do, even a TLS failure of a certificate this process does not trust.
    const answered = await fetch(url).then(
      () => true,
      (error: unknown) => (error as { cause?: { code?: string } }).cause?.code !== 'ECONNREFUSED',
    );
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`the registry did not answer at ${url} within 10 s: ${stderr()}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
