// Shared Vitest settings: every project's vitest.config.ts builds on this, so `npm test` can add
// up one summary line from the JSON reports across all projects.
import { basename } from 'node:path';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

// Named after the Nx project (Nx sets this for its tasks), which is what the test target declares as its output.
const reportName = (projectDir: string) => process.env.NX_TASK_TARGET_PROJECT ?? basename(projectDir);

export function projectTestConfig(projectDir: string, extra: ViteUserConfig['test'] = {}): ViteUserConfig {
  const reportDir = process.env.KEYLESS_TEST_REPORT_DIR;
  return defineConfig({
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      pool: 'forks',
      testTimeout: 30_000,
      hookTimeout: 60_000,
      reporters: reportDir
        ? ['default', ['json', { outputFile: `${reportDir}/${reportName(projectDir)}.json` }]]
        : ['default'],
      ...extra,
    },
  });
}
