// No container engine runs in this test suite, so the image is checked where it can drift: the
// Dockerfile's security settings, and that it copies exactly the workspace libs the reporter imports.
import { join } from 'node:path';
import { parseDockerfile, readManifest, workspaceClosure } from '@keyless/testing/dockerfile';
import { describe, expect, test } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const {
  text: dockerfile,
  instructions,
  runtimeStage,
  command,
} = parseDockerfile(join(root, 'apps/usage-reporter/Dockerfile'));

describe('Dockerfile', () => {
  test('every stage starts from Node 24 pinned to an exact version', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24\.\d+\.\d+-bookworm-slim$/m);
    expect(instructions.filter((line) => line.startsWith('FROM '))).toEqual([
      'FROM ${NODE_IMAGE} AS build',
      'FROM ${NODE_IMAGE}',
    ]);
  });

  test('installs production dependencies only, from the lockfile, without install scripts', () => {
    expect(dockerfile).toMatch(/npm ci --omit=dev --ignore-scripts --workspace=@keyless\/usage-reporter /);
  });

  test('runs as a numeric non-root user (so runAsNonRoot can be enforced), under tini', () => {
    const user = runtimeStage.filter((line) => line.startsWith('USER '));
    expect(user).toEqual(['USER 1000:1000']);
    expect(runtimeStage.at(-2)).toBe('ENTRYPOINT ["/usr/bin/tini", "--"]');
    expect(runtimeStage.some((line) => /^RUN .*apt-get install .*tini=\d/.test(line))).toBe(true);
  });

  test('declares no volume and no writable path: the root filesystem can be read-only', () => {
    expect(instructions.some((line) => /^(VOLUME|HEALTHCHECK) /.test(line))).toBe(false);
    // Everything the runtime stage adds is owned by root; the job's user cannot change it.
    expect(
      runtimeStage.filter((line) => /^(COPY|ADD) /.test(line)).every((line) => !line.includes('--chown')),
    ).toBe(true);
  });

  test('carries the RDS CA bundle that DB_SSL_CA_FILE names', () => {
    expect(runtimeStage).toContain(
      'ADD --chmod=444 https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem /etc/ssl/certs/rds-global-bundle.pem',
    );
  });

  test('starts with the same command as `npm start`', () => {
    expect(command.join(' ')).toBe(readManifest(root, 'apps/usage-reporter').scripts?.start);
  });

  test('copies exactly the workspace libs the reporter depends on', () => {
    const copied = runtimeStage
      .map((line) => /^COPY --from=build \/app\/(libs\/[\w-]+) /.exec(line)?.[1])
      .filter((dir): dir is string => Boolean(dir))
      .sort();
    expect(copied).toEqual(workspaceClosure(root, 'apps/usage-reporter'));
  });
});
