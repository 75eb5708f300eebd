// A test file's declaration of what it needs of the AWS emulator. Every file that talks to an
// emulator wraps its tests in emulatorSuite(needs, …): on an emulator that has them all, they run
// in a block titled `on <emulator>`; on one that lacks any, they are reported, each, as skipped
// under `not applicable on <emulator>: <reason>` — which `npm test`'s account counts apart from
// passed and skipped (tools/setup/test-summary.mjs), never as either.
import { describe } from 'vitest';
import { lacking, type Capability, type Emulator } from '@keyless/local-platform';
import { harnessConfig } from './harness-config.ts';

export type { Capability };

/** What a block's title starts with when its emulator lacks something it needs. */
export const notApplicableOn = 'not applicable on ';

export interface SuitePlan {
  /** The emulator the suite's platform starts: KEYLESS_EMULATOR, else moto. */
  emulator: Emulator;
  /** One sentence per capability the emulator lacks (empty: the suite runs). */
  lacking: string[];
  /** `on <emulator>`, or `not applicable on <emulator>: <reasons>`. */
  title: string;
}

/** Where a suite that needs `needs` would run, and whether it can. */
export function planSuite(
  needs: readonly Capability[],
  env: Record<string, string | undefined> = process.env,
): SuitePlan {
  const emulator = harnessConfig(env).KEYLESS_EMULATOR;
  const missing = lacking(emulator, needs);
  // lacking() names the emulator in each sentence; the title names it once.
  const reasons = missing.map((sentence) => sentence.replace(`${emulator} lacks `, 'lacks '));
  return {
    emulator,
    lacking: missing,
    title: missing.length === 0 ? `on ${emulator}` : `${notApplicableOn}${emulator}: ${reasons.join('; ')}`,
  };
}

/**
 * Declares that `body`'s tests need `needs` of the emulator, and runs them as one describe block
 * titled after the emulator — or, where it lacks any of them, reports each as not applicable with
 * the reason (no hook of the block runs, so no platform is started for nothing). Files that call
 * this are the ones the per-emulator test targets run (vitest.shared.ts).
 */
export function emulatorSuite(needs: readonly Capability[], body: () => void): SuitePlan {
  const plan = planSuite(needs);
  if (plan.lacking.length === 0) describe(plan.title, body);
  else describe.skip(plan.title, body);
  return plan;
}
