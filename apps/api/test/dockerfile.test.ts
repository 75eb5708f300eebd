// No container engine runs in this test suite, so the image is checked where it can drift: the
// Dockerfile's security settings, and that it installs and copies exactly the workspaces the api imports.
import { join } from 'node:path';
import { parseDockerfile, readManifest, workspaceClosure } from '@keyless/testing/dockerfile';
import { describe, expect, test } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const { text, instructions, runtimeStage, command } = parseDockerfile(join(root, 'apps/api/Dockerfile'));
const needed = workspaceClosure(root, 'apps/api');

describe('Dockerfile', () => {
  test('is multi-stage, every stage from Node 24 pinned to an exact version', () => {
    expect(text).toMatch(/^ARG NODE_IMAGE=node:24\.\d+\.\d+-bookworm-slim$/m);
    expect(instructions.filter((line) => line.startsWith('FROM '))).toEqual([
      'FROM ${NODE_IMAGE} AS manifests',
      'FROM ${NODE_IMAGE} AS deps',
      'FROM ${NODE_IMAGE} AS runtime',
    ]);
  });

  test('installs production dependencies of the api and its workspaces only, without install scripts', () => {
    const install = instructions.find((line) => line.includes('npm install'));
    expect(install).toContain('npm install --omit=dev --ignore-scripts');
    const workspaces = [...(install ?? '').matchAll(/'workspaces\[\]=([\w/-]+)'/g)].map(([, dir]) => dir);
    expect(workspaces.sort()).toEqual(['apps/api', ...needed].sort());
  });

  test('copies the sources of exactly those workspaces, owned by root', () => {
    const copied = runtimeStage
      .map((line) => /^COPY ((?:apps|libs)\/[\w-]+)\/src /.exec(line)?.[1])
      .filter((dir): dir is string => Boolean(dir))
      .sort();
    expect(copied).toEqual(['apps/api', ...needed].sort());
    expect(
      runtimeStage.filter((line) => line.startsWith('COPY ')).every((line) => !line.includes('--chown')),
    ).toBe(true);
  });

  test('runs as the non-root node user under tini, stops on SIGTERM, with a liveness check', () => {
    expect(runtimeStage).toContain('USER node');
    expect(runtimeStage).toContain('ENTRYPOINT ["/usr/bin/tini", "--"]');
    expect(runtimeStage).toContain('STOPSIGNAL SIGTERM');
    expect(runtimeStage.find((line) => line.startsWith('HEALTHCHECK '))).toContain('/healthz');
  });

  test('starts with the same command as `npm start`', () => {
    expect(command.join(' ')).toBe(readManifest(root, 'apps/api').scripts?.start);
  });
});
