import { projectTestConfig } from '../../vitest.shared.ts';

// The integration files each start an emulator (one of them the whole local system with
// PostgreSQL) and reporter processes: one file at a time keeps a small machine responsive.
export default projectTestConfig(import.meta.dirname, { fileParallelism: false, testTimeout: 120_000 });
