// Vitest's JSON report has no place for an error thrown outside every test (a rejected promise
// nobody awaited, an 'error' event nobody listened for): the run exits 1, yet the report shows no
// failed test. This reporter writes them beside the JSON report (`<name>.unhandled.json`), so the
// account at the end of `npm test` counts each one as a failure and names it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ViteUserConfig } from 'vitest/config';
import type { Reporter } from 'vitest/node';

type Reporters = NonNullable<NonNullable<ViteUserConfig['test']>['reporters']>;

type RunEnd = NonNullable<Reporter['onTestRunEnd']>;

export class UnhandledErrorsReport implements Reporter {
  readonly #file: string;

  constructor(file: string) {
    this.#file = file;
  }

  onTestRunEnd(...[, unhandledErrors]: Parameters<RunEnd>): void {
    const errors = unhandledErrors.map((error) => ({
      name: String(error.name ?? 'Error'),
      message: String(error.message ?? ''),
    }));
    mkdirSync(dirname(this.#file), { recursive: true });
    writeFileSync(this.#file, `${JSON.stringify(errors)}\n`);
  }
}

/** The reporters of a run whose report goes to `<reportDir>/<name>.json`. */
export function reportTo(reportDir: string | undefined, name: string): Reporters {
  return reportDir
    ? [
        'default',
        ['json', { outputFile: `${reportDir}/${name}.json` }],
        new UnhandledErrorsReport(`${reportDir}/${name}.unhandled.json`),
      ]
    : ['default'];
}
