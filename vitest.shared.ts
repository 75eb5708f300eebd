// Shared Vitest settings: every project's vitest.config.ts builds on this, so `npm test` can add
// up one summary line from the JSON reports across all projects.
import { basename } from 'node:path';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

export function projectTestConfig(projectDir: string, extra: ViteUserConfig['test'] = {}): ViteUserConfig {
  const reportDir = process.env.KEYLESS_TEST_REPORT_DIR;
  return defineConfig({
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      pool: 'forks',
      testTimeout: 30_000,
      hookTimeout: 60_000,
      reporters: reportDir
        ? ['default', ['json', { outputFile: `${reportDir}/${basename(projectDir)}.json` }]]
        : ['default'],
      ...extra,
    },
  });
}
