import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseConfig } from '@keyless/config';
import { startSystem, systemEnv, type RunningSystem, type SystemOptions } from '../src/index.ts';

/**
 * The whole local system in-process, with its JSON log lines captured for assertions; `settings`
 * adds variables (the compose ones, say), given the fixture's directory.
 */
export async function startTestSystem(
  options: Omit<SystemOptions, 'destination'> = {},
  settings: (dir: string) => Record<string, string> = () => ({}),
) {
  const dir = mkdtempSync(join(tmpdir(), 'keyless-system-test-'));
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const config = parseConfig(systemEnv, {
    KEYLESS_PLATFORM_FILE: join(dir, 'platform.json'),
    KEYLESS_TOKEN_DIR: join(dir, 'tokens'),
    KEYLESS_TRAIL_DIR: join(dir, 'trail'),
    KEYLESS_CA_FILE: join(dir, 'keyless-local-ca.pem'),
    ...settings(dir),
  });
  const system: RunningSystem = await startSystem(config, { ...options, destination });
  return {
    system,
    lines,
    dir,
    stop: async () => {
      await system.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
