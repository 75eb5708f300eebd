// No container engine runs in this test suite, so the image is checked where it can drift: the
// Dockerfile's security settings, and that it copies exactly the workspace libs the worker imports.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

const appDir = join(import.meta.dirname, '..');
const root = join(appDir, '..', '..');
const dockerfile = readFileSync(join(appDir, 'Dockerfile'), 'utf8');
const instructions = dockerfile
  .replace(/\s*\\\n\s*/g, ' ')
  .split('\n')
  .filter((line) => line.trim() && !line.trim().startsWith('#'));
const runtimeStage = instructions.slice(instructions.findLastIndex((line) => line.startsWith('FROM ')));

function manifest(dir: string): {
  name: string;
  dependencies?: Record<string, string>;
  scripts?: Record<string, string>;
} {
  return JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
}

/** The @keyless packages the worker needs at run time, followed through their own dependencies. */
function workspaceClosure(): string[] {
  const dirs = new Map<string, string>();
  for (const group of ['apps', 'libs', 'tools', 'infra']) {
    for (const entry of readdirSync(join(root, group), { withFileTypes: true })) {
      const dir = `${group}/${entry.name}`;
      if (entry.isDirectory() && existsSync(join(root, dir, 'package.json')))
        dirs.set(manifest(dir).name, dir);
    }
  }
  const needed = new Set<string>();
  const visit = (dir: string) => {
    for (const name of Object.keys(manifest(dir).dependencies ?? {}).filter((n) =>
      n.startsWith('@keyless/'),
    )) {
      const depDir = dirs.get(name);
      if (!depDir) throw new Error(`no workspace named ${name}`);
      if (!needed.has(depDir)) {
        needed.add(depDir);
        visit(depDir);
      }
    }
  };
  visit('apps/ledger-worker');
  return [...needed].sort();
}

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
    const command = JSON.parse(runtimeStage.find((l) => l.startsWith('CMD '))?.slice(4) ?? '[]') as string[];
    expect(command.join(' ')).toBe(manifest('apps/ledger-worker').scripts?.start);
  });

  test('copies exactly the workspace libs the worker depends on', () => {
    const copied = runtimeStage
      .map((line) => /^COPY --from=build \/app\/(libs\/[\w-]+) /.exec(line)?.[1])
      .filter((dir): dir is string => Boolean(dir))
      .sort();
    expect(copied).toEqual(workspaceClosure());
  });
});
