import { containerSuitesConfig } from '../../vitest.containers.ts';

// `nx run ledger-worker:test-containers`: the integration files again, with the emulator and
// PostgreSQL as containers (database-restart.test.ts restarts a PostgreSQL of its own: only its
// emulator is a container).
export default containerSuitesConfig(
  import.meta.dirname,
  [
    'test/ledger-worker.test.ts',
    'test/rotation.test.ts',
    'test/secret-outage.test.ts',
    'test/shutdown.test.ts',
    'test/database-restart.test.ts',
  ],
  { fileParallelism: false, testTimeout: 120_000 },
);
