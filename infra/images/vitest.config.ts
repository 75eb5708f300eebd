import { projectTestConfig } from '../../vitest.shared.ts';

// closure.test.ts installs each image's dependencies in a scratch directory (npm ci, from the npm
// cache the root install filled): one file at a time.
export default projectTestConfig(import.meta.dirname, { fileParallelism: false, testTimeout: 300_000 });
