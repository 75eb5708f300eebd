import { containerSuitesConfig } from '../../vitest.containers.ts';

// `nx run usage-reporter:test-containers`: the integration files again, with the emulator and
// PostgreSQL as containers.
export default containerSuitesConfig(
  import.meta.dirname,
  ['test/reporter.test.ts', 'test/latest-pointer.test.ts'],
  { fileParallelism: false, testTimeout: 120_000 },
);
