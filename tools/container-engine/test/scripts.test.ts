// Every script parses, and the ones run by hand or by CI are executable.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { bash, projectDir } from './bash.ts';

const scripts = readdirSync(projectDir, { recursive: true, encoding: 'utf8' }).filter(
  (file) => file.endsWith('.sh') && !file.includes('node_modules'),
);

test.each(scripts)('%s parses', async (script) => {
  expect((await bash('bash -n "$1"', [script])).stderr).toBe('');
});

test.each([
  'up.sh',
  'down.sh',
  'build-images.sh',
  'trixie-apt.sh',
  'images/debian/rootfs.sh',
  'images/npm-tarball.sh',
  'images/node/docker-entrypoint.sh',
  'images/postgres/docker-entrypoint.sh',
])('%s is executable', (script) => {
  expect(statSync(join(projectDir, script)).mode & 0o111).toBe(0o111);
});
