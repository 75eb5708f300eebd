import { projectTestConfig } from '../../vitest.shared.ts';

// The suites on the control plane run in the test-kubernetes target (vitest.kubernetes.config.ts).
export default projectTestConfig(import.meta.dirname, { exclude: ['test/cluster/**', '**/node_modules/**'] });
