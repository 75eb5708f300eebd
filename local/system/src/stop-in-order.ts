export type StopStep = () => Promise<void> | void;

/**
 * Runs stop steps last-started first. Each step is isolated: one that fails is reported and the
 * rest still run, so one broken component never leaves the others running. Resolves to the number
 * of steps that failed.
 */
export async function stopInOrder(steps: StopStep[], report: (error: Error) => void): Promise<number> {
  let failed = 0;
  for (const step of [...steps].reverse()) {
    try {
      await step();
    } catch (error) {
      failed++;
      report(error as Error);
    }
  }
  return failed;
}
