// Building the tools: a cached binary of the pinned version is used as it is; without Go, a tool
// that was never built is refused with an error saying so (the local system then runs without it).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { CRANE, ensureRegistryTool, GoMissingError, localBinDir } from '../src/registry-tools.ts';

const path = process.env.PATH;
afterEach(() => {
  process.env.PATH = path;
});

test('the pinned, cached binary is used without building (no progress line)', () => {
  const lines: string[] = [];
  expect(ensureRegistryTool(CRANE, localBinDir, (line) => lines.push(line))).toBe(join(localBinDir, 'crane'));
  expect(lines).toEqual([]);
});

test('without Go, a tool never built is refused with GoMissingError, naming Go', async () => {
  const empty = await mkdtemp(join(tmpdir(), 'keyless-no-tools-'));
  try {
    process.env.PATH = empty;
    const lines: string[] = [];
    expect(() => ensureRegistryTool(CRANE, empty, (line) => lines.push(line))).toThrow(GoMissingError);
    expect(lines).toEqual([
      `building crane ${CRANE.version} from the Go module proxy (about 20 s the first time)`,
    ]);
  } finally {
    await rm(empty, { recursive: true, force: true });
  }
});
