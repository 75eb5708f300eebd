import { projectTestConfig } from '../../vitest.shared.ts';

// The local ECR's tools are built once, before the test files run (test/global-setup.ts).
export default projectTestConfig(import.meta.dirname, { globalSetup: ['test/global-setup.ts'] });
