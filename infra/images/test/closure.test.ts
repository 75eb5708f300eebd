// What `npm ls --omit=dev` finds in each image, without a container engine: the image's install
// step (assemble.ts narrow, then npm ci as the Dockerfile runs it) repeated in a scratch directory
// from the npm cache the root install filled. No image may carry a package only tests use
// (@keyless/testing, testcontainers, embedded PostgreSQL, Vitest) or a workspace beyond its closure.
// The build runs the same check (`assemble.ts check`), so an image that would carry one fails to build.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { forbiddenPackages, installedPackages, narrow } from '../assemble.ts';

const root = join(import.meta.dirname, '../../..');
const scratch = mkdtempSync(join(tmpdir(), 'keyless-image-closure-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The build context's manifests: the root's and every workspace's package.json, and the lockfile. */
function manifestsIn(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const file of ['package.json', 'package-lock.json']) cpSync(join(root, file), join(dir, file));
  for (const group of ['apps', 'libs', 'local', 'tools', 'infra']) {
    for (const entry of readdirSync(join(root, group), { withFileTypes: true })) {
      const manifest = join(group, entry.name, 'package.json');
      if (!entry.isDirectory() || !existsSync(join(root, manifest))) continue;
      mkdirSync(dirname(join(dir, manifest)), { recursive: true });
      cpSync(join(root, manifest), join(dir, manifest));
    }
  }
}

function npmCi(dir: string, args: string[]): void {
  const run = spawnSync(
    'npm',
    ['ci', ...args, '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'],
    {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, npm_config_update_notifier: 'false' },
    },
  );
  if (run.status !== 0) throw new Error(`npm ci failed in ${dir}:\n${run.stderr}`);
}

const images = {
  api: { roots: ['apps/api'], omit: ['--omit=dev'] },
  'ledger-worker': { roots: ['apps/ledger-worker'], omit: ['--omit=dev'] },
  'usage-reporter': { roots: ['apps/usage-reporter'], omit: ['--omit=dev'] },
  tools: {
    roots: ['local/system', 'local/alb', 'libs/db', 'local/compose'],
    omit: ['--omit=dev', '--omit=optional'],
  },
};

describe('npm ls --omit=dev of each image', () => {
  test.each(Object.entries(images))(
    '%s: no test-only package, no workspace beyond its closure',
    (image, { roots, omit }) => {
      const dir = join(scratch, image);
      manifestsIn(dir);
      narrow(dir, roots);
      npmCi(dir, omit);
      const installed = installedPackages(dir);
      expect(installed.length).toBeGreaterThan(50);
      expect(forbiddenPackages(dir, roots)).toEqual([]);
    },
  );

  test("the usage-reporter's old recipe (npm ci --workspace, every workspace's devDependencies kept) is refused", () => {
    // What the image shipped before this recipe: @keyless/testing, testcontainers, embedded PostgreSQL.
    const dir = join(scratch, 'old-usage-reporter');
    manifestsIn(dir);
    npmCi(dir, ['--omit=dev', '--workspace=@keyless/usage-reporter', '--include-workspace-root=false']);
    expect(forbiddenPackages(dir, ['apps/usage-reporter'], { strict: false })).toEqual(
      expect.arrayContaining(['@keyless/testing', 'testcontainers']),
    );
  });
});
