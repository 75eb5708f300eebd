import { projectTestConfig } from '../../vitest.shared.ts';

// Each integration file starts its own emulator, PostgreSQL and worker processes: one file at a
// time keeps the machine responsive, and the scenarios (redrive, restarts, rotation) take time.
export default projectTestConfig(import.meta.dirname, { fileParallelism: false, testTimeout: 120_000 });
