// The `test-containers` target of a project (apps/ledger-worker, apps/usage-reporter): its
// integration suites again, on the test harness's container backend (KEYLESS_TEST_BACKEND=containers:
// moto and PostgreSQL as containers through testcontainers, the images .env or the locally built
// ones select; tools/testing/README.md), reporting to `<project>-containers.json`.
//
// With no container engine answering: where CI is set the suites run anyway and fail (CI brings an
// engine up, so its absence is a fault); elsewhere one skipped test stands in for them, named
// "… not run: no container engine", which npm test's account lists with that reason.
import { basename, join, relative } from 'node:path';
import type { ViteUserConfig } from 'vitest/config';
import { probeContainerRuntime } from './tools/testing/src/container-runtime.ts';
import { projectTestConfig } from './vitest.shared.ts';
import { reportTo } from './vitest.unhandled-errors.ts';

const notRunSuite = join(import.meta.dirname, 'tools/testing/test/not-run/no-container-engine.suite.ts');

export async function containerSuitesConfig(
  projectDir: string,
  files: readonly string[],
  extra: ViteUserConfig['test'] = {},
): Promise<ViteUserConfig> {
  const project = process.env.NX_TASK_TARGET_PROJECT ?? basename(projectDir);
  const probe = await probeContainerRuntime(process.env.DOCKER_HOST);
  const run = probe.available || Boolean(process.env.CI);
  const reportDir = process.env.KEYLESS_TEST_REPORT_DIR;
  const base = projectTestConfig(projectDir, extra);
  return {
    ...base,
    test: {
      ...base.test,
      include: run ? [...files] : [relative(projectDir, notRunSuite)],
      env: {
        KEYLESS_TEST_BACKEND: 'containers',
        KEYLESS_CONTAINER_SUITES_OF: project,
        KEYLESS_CONTAINER_ENGINE_PROBE: probe.detail,
      },
      reporters: reportTo(reportDir, `${project}-containers`),
    },
  };
}
