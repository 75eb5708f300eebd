/** The steps of a run, in order; a failure names the one it happened in. */
export type ReportStep = 'credentials' | 'read-ledger' | 'build-report' | 'write-report' | 'update-latest';

/** A run failed: which step, and the underlying reason in one line. */
export class ReportStepError extends Error {
  readonly step: ReportStep;

  constructor(step: ReportStep, cause: unknown) {
    const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`${step} failed: ${reason}`, { cause });
    this.name = 'ReportStepError';
    this.step = step;
  }
}

/** Runs one step, labelling any failure with the step's name. */
export async function step<T>(name: ReportStep, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw new ReportStepError(name, error);
  }
}
