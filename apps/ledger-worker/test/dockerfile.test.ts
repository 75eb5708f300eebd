// No container engine runs in this test suite, so the image is checked where it can drift: the
// Dockerfile's security settings, and that it copies exactly the workspace libs the worker imports.
import { join } from 'node:path';
import { parseDockerfile, readManifest, workspaceClosure } from '@keyless/testing/dockerfile';
import { describe, expect, test } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const {
  text: dockerfile,
  instructions,
  runtimeStage,
  command,
} = parseDockerfile(join(root, 'apps/ledger-worker/Dockerfile'));

describe('Dockerfile', () => {
  test('every stage starts from Node 24 pinned to an exact version', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24\.\d+\.\d+-bookworm-slim$/m);
    expect(instructions.filter((line) => line.startsWith('FROM '))).toEqual([
      'FROM ${NODE_IMAGE} AS build',
      'FROM ${NODE_IMAGE}',
    ]);
  });

  test('installs production dependencies only (workspace devDependencies dropped first), from the lockfile, without install scripts', () => {
    const install = instructions.find((line) => line.includes('npm ci'));
    expect(install).toMatch(
      /^RUN npm pkg delete devDependencies --workspaces && npm ci --omit=dev --ignore-scripts --workspace=@keyless\/ledger-worker /,
    );
  });

  test('runs as the non-root node user under tini, with a health check', () => {
    expect(runtimeStage).toContain('USER node');
    expect(runtimeStage).toContain('ENTRYPOINT ["/usr/bin/tini", "--"]');
    expect(runtimeStage.some((line) => /^RUN .*apt-get install .*tini=\d/.test(line))).toBe(true);
    expect(runtimeStage.find((line) => line.startsWith('HEALTHCHECK '))).toContain('/healthz');
  });

  test('starts with the same command as `npm start`', () => {
    expect(command.join(' ')).toBe(readManifest(root, 'apps/ledger-worker').scripts?.start);
  });

  test('copies exactly the workspace libs the worker depends on', () => {
    const copied = runtimeStage
      .map((line) => /^COPY --from=build \/app\/(libs\/[\w-]+) /.exec(line)?.[1])
      .filter((dir): dir is string => Boolean(dir))
      .sort();
    expect(copied).toEqual(workspaceClosure(root, 'apps/ledger-worker'));
  });
});
