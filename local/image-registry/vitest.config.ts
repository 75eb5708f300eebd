import { projectTestConfig } from '../../vitest.shared.ts';

// The registry and its clients are built once, before the test files run (test/global-setup.ts).
export default projectTestConfig(import.meta.dirname, { globalSetup: ['test/global-setup.ts'] });
