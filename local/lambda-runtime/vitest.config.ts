import { projectTestConfig } from '../../vitest.shared.ts';

// Each integration file starts its own emulator and function processes: one file at a time.
export default projectTestConfig(import.meta.dirname, { fileParallelism: false });
