// `nx run kubernetes:test-kubernetes`: the suites that run on the control plane (test/cluster),
// reporting to `kubernetes-kubernetes.json`. With CI set, the global setup builds the control plane
// when it is not cached (printing progress) and the suites fail if it cannot start. Elsewhere they
// run when the control plane has been built (`node local/kubernetes/bin/ensure-control-plane.ts`);
// otherwise one skipped test stands in for them, named "… not run: control plane not built".
import { basename } from 'node:path';
import { projectTestConfig } from '../../vitest.shared.ts';
import { reportTo } from '../../vitest.unhandled-errors.ts';
import { cachedControlPlane } from './src/toolchain/build-control-plane.ts';

const project = process.env.NX_TASK_TARGET_PROJECT ?? basename(import.meta.dirname);
const run = Boolean(process.env.CI) || cachedControlPlane() !== undefined;
const base = projectTestConfig(import.meta.dirname);

export default {
  ...base,
  test: {
    ...base.test,
    include: run ? ['test/cluster/**/*.test.ts'] : ['test/not-run/control-plane-not-built.suite.ts'],
    globalSetup: run ? ['test/support/global-setup.ts'] : [],
    // One control plane per file, one file at a time: each is ~350 MB and two cores' worth at start.
    fileParallelism: false,
    testTimeout: 120_000,
    reporters: reportTo(process.env.KEYLESS_TEST_REPORT_DIR, `${project}-kubernetes`),
  },
};
