// The Go check against a fake `go` on the PATH: absent, too old, new enough; and ensure-installed
// stopping `npm test` (only `npm test`) on it before installing anything.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { goProblem, goVersion, MIN_GO } from '../check-go.mjs';

const root = join(import.meta.dirname, '../../..');
const ensureInstalled = join(root, 'tools/setup/ensure-installed.mjs');
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A PATH holding only a `go` that prints `output` (none at all when output is undefined). */
function pathWithGo(output?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'keyless-fake-go-'));
  dirs.push(dir);
  if (output !== undefined) {
    writeFileSync(join(dir, 'go'), `#!/bin/sh\necho '${output}'\n`);
    chmodSync(join(dir, 'go'), 0o755);
  }
  return dir;
}

const [major = 0, minor = 0] = MIN_GO;
const checkWith = (output?: string) => goProblem(goVersion({ PATH: pathWithGo(output) }));

describe('the Go check', () => {
  test('accepts the minimum and anything newer', () => {
    expect(checkWith(`go version go${major}.${minor}.0 linux/amd64`)).toBeUndefined();
    expect(checkWith(`go version go${major}.${minor + 1}rc1 darwin/arm64`)).toBeUndefined();
    expect(checkWith(`go version go${major + 1}.0.1 linux/amd64`)).toBeUndefined();
  });

  test('names the requirement, what it found and where to get Go when it is too old', () => {
    expect(checkWith(`go version go${major}.${minor - 1}.9 linux/amd64`)).toBe(
      `setup: \`npm test\` needs Go >= ${major}.${minor} (it builds the manifest and compose validators, ` +
        `kustomize and actionlint); found go${major}.${minor - 1}. Install it from https://go.dev/dl/ ` +
        'and run `npm test` again.',
    );
  });

  test('says there is no go when none is on the PATH', () => {
    expect(checkWith()).toContain('found no `go` on the PATH.');
  });

  test('requires the version the root README states', () => {
    const stated = /\*\*Go ≥ (\d+\.\d+)\*\*/.exec(readFileSync(join(root, 'README.md'), 'utf8'))?.[1];
    expect(stated).toBe(`${major}.${minor}`);
  });
});

describe('ensure-installed', () => {
  const run = (event: string) =>
    spawnSync(process.execPath, [ensureInstalled], {
      env: {
        PATH: pathWithGo(`go version go${major}.${minor - 1}.0 linux/amd64`),
        npm_lifecycle_event: event,
      },
      encoding: 'utf8',
    });

  test('stops `npm test` with the one message before installing anything', () => {
    const result = run('pretest');
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`${goProblem([major, minor - 1])}\n`);
  });

  test('does not ask for Go before `npm start`', () => {
    // Go passes, so it goes on to the installs (already done in this checkout) and succeeds.
    const result = run('prestart');
    expect(result.stderr).not.toContain('needs Go');
  });
});
