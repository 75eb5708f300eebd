// Run by `npm test` before any suite: exits 1 with one message per prerequisite that cannot work.
// The suites run on every emulator, so each one must start.
import { exitOnConfigError } from '@keyless/config';
import { checkPrerequisites, describeProblems } from '../src/check-prerequisites.ts';
import { emulators } from '../src/emulators/emulators.ts';
import { platformEnv } from '../src/platform-env.ts';

try {
  platformEnv();
} catch (error) {
  exitOnConfigError(error);
}
const problems = await checkPrerequisites(emulators);
if (problems.length > 0) {
  console.error(`npm test cannot run on this machine:\n${describeProblems(problems)}`);
  process.exit(1);
}
