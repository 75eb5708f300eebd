// Shared Vitest settings: every project's vitest.config.ts builds on this, so `npm test` can add
// up one summary line from the JSON reports across all projects.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { defineConfig, type ViteUserConfig } from 'vitest/config';
import { reportTo } from './vitest.unhandled-errors.ts';

const testFiles = ['src/**/*.test.ts', 'test/**/*.test.ts'];

/**
 * The per-emulator targets (`test-ministack`, `test-localstack`) set KEYLESS_EMULATOR_SUITES: they
 * run only the files that declare what they need of the emulator (emulatorSuite from
 * @keyless/testing/emulator-suite), on the emulator KEYLESS_EMULATOR names, and report to
 * `<project>-<emulator>.json`. A file that talks to no emulator has nothing to prove there.
 */
const emulatorRun = Boolean(process.env.KEYLESS_EMULATOR_SUITES);

// Named after the Nx project (Nx sets this for its tasks), which is what the test target declares as its output.
const reportName = (projectDir: string) =>
  (process.env.NX_TASK_TARGET_PROJECT ?? basename(projectDir)) +
  (emulatorRun ? `-${process.env.KEYLESS_EMULATOR ?? 'moto'}` : '');

/** The test files of the project that call emulatorSuite(…). */
export function emulatorSuiteFiles(projectDir: string): string[] {
  return ['src', 'test'].flatMap((dir) => {
    let entries: string[];
    try {
      entries = readdirSync(join(projectDir, dir), { recursive: true, encoding: 'utf8' });
    } catch {
      return [];
    }
    return entries
      .filter((entry) => entry.endsWith('.test.ts') && !entry.split('/').includes('node_modules'))
      .map((entry) => join(dir, entry))
      .filter((file) => readFileSync(join(projectDir, file), 'utf8').includes('emulatorSuite('));
  });
}

export function projectTestConfig(projectDir: string, extra: ViteUserConfig['test'] = {}): ViteUserConfig {
  const reportDir = process.env.KEYLESS_TEST_REPORT_DIR;
  return defineConfig({
    test: {
      include: emulatorRun ? emulatorSuiteFiles(projectDir) : testFiles,
      pool: 'forks',
      testTimeout: 30_000,
      hookTimeout: 60_000,
      reporters: reportTo(reportDir, reportName(projectDir)),
      ...extra,
    },
  });
}
