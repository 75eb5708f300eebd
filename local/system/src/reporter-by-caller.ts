// `npm run demo -- --reporter-by-caller`: the demo's reporter runs, asked of the process that
// started the demo, over the demo's own stdin and stdout. Under docker compose the demo runs in
// the identity container (where every address in the platform file resolves), which cannot start
// containers; local/compose's compose-demo.ts, which started it, runs each one as
// `docker compose run` and answers. One request line out, one answer line in:
//   out: @@keyless-demo {"run":"usage-reporter","serviceAccount":"default"}
//   in:  {"exitCode":1,"lines":[{"service":"usage-reporter","line":"…"}]}
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { ReporterRun } from './demo.ts';

export const requestPrefix = '@@keyless-demo ';

export interface ReporterRequest {
  run: 'usage-reporter';
  serviceAccount: 'usage-reporter' | 'default';
}

export interface ReporterAnswer {
  exitCode: number;
  lines: { service: string; line: string }[];
}

/** The reporter runs, asked of the caller; `close()` lets go of stdin once the demo is done. */
export function reporterRunsByCaller(
  input: Readable,
  output: Writable,
): { runReporter: ReporterRun; close(): void } {
  const reader = createInterface({ input, terminal: false });
  const answers = reader[Symbol.asyncIterator]();
  return {
    runReporter: async (serviceAccount, print) => {
      const request: ReporterRequest = { run: 'usage-reporter', serviceAccount };
      output.write(`${requestPrefix}${JSON.stringify(request)}\n`);
      const { value, done } = await answers.next();
      if (done) throw new Error('the caller closed stdin instead of running the reporter');
      const answer = JSON.parse(String(value)) as ReporterAnswer;
      for (const { service, line } of answer.lines) print(service, line);
      return answer.exitCode;
    },
    close: () => {
      reader.close();
      input.destroy();
    },
  };
}
