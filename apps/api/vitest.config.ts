import { projectTestConfig } from '../../vitest.shared.ts';

// One emulator for all test files (test/support/global-setup.ts); each file runs its own api
// instances and ALB against it.
export default projectTestConfig(import.meta.dirname, { globalSetup: ['test/support/global-setup.ts'] });
