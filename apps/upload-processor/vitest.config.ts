import { projectTestConfig } from '../../vitest.shared.ts';

// The acceptance tests each start the whole local system and run the bundle behind the local
// Lambda runtime; one file at a time keeps a small machine responsive (the 200 MiB object alone
// keeps a core busy for a while).
export default projectTestConfig(import.meta.dirname, {
  testTimeout: 180_000,
  hookTimeout: 180_000,
  fileParallelism: false,
});
