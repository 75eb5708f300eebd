// crane, as the deploy rehearsal and the tests run it where no container engine does: its own
// Docker config directory per identity (what `crane auth login` writes), the local CA as its
// only trust (SSL_CERT_FILE), and each command's output and exit status kept as they came.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CraneResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

export interface CraneClient {
  run(args: readonly string[], input?: string): Promise<CraneResult>;
  /** `crane auth login <host> -u AWS --password-stdin`, as the workflow pipes get-login-password. */
  login(host: string, password: string): Promise<CraneResult>;
  /** Pushes an image of one layer (a tar file) onto an empty base as `ref`; stdout is its digest reference. */
  pushLayer(layerTar: string, ref: string): Promise<CraneResult>;
  digest(ref: string): Promise<CraneResult>;
  /** Pulls the whole image (manifest and layers) into an OCI layout directory. */
  pull(ref: string, directory: string): Promise<CraneResult>;
  /** Removes the client's Docker config directory. */
  close(): Promise<void>;
}

export async function craneClient(options: { binary: string; caFile: string }): Promise<CraneClient> {
  const configDir = await mkdtemp(join(tmpdir(), 'keyless-crane-'));
  const run = (args: readonly string[], input?: string) =>
    new Promise<CraneResult>((resolve) => {
      const child = execFile(
        options.binary,
        [...args],
        {
          env: {
            PATH: process.env.PATH ?? '',
            HOME: configDir,
            DOCKER_CONFIG: configDir,
            SSL_CERT_FILE: options.caFile,
          },
          maxBuffer: 16 * 1024 * 1024,
        },
        (error, stdout, stderr) => resolve({ ok: !error, stdout: stdout.trim(), stderr: stderr.trim() }),
      );
      child.stdin?.end(input ?? '');
    });
  return {
    run,
    login: (host, password) => run(['auth', 'login', host, '-u', 'AWS', '--password-stdin'], password),
    pushLayer: (layerTar, ref) => run(['append', '--new_layer', layerTar, '--new_tag', ref]),
    digest: (ref) => run(['digest', ref]),
    pull: (ref, directory) => run(['pull', '--format', 'oci', ref, directory]),
    close: () => rm(configDir, { recursive: true, force: true }),
  };
}
