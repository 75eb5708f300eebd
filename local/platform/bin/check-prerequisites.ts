// Run by `npm test` before any suite: exits 1 with one message per prerequisite that cannot work.
import { checkPrerequisites, describeProblems } from '../src/check-prerequisites.ts';

const problems = await checkPrerequisites();
if (problems.length > 0) {
  console.error(`npm test cannot run on this machine:\n${describeProblems(problems)}`);
  process.exit(1);
}
