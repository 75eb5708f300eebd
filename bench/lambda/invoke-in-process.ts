// Runs in a fresh Node.js process, as an execution environment's first code would: imports a
// bundled handler (cold init), tells the parent, then invokes it warm N times with one event and
// reports the time per invocation. Results go over the IPC channel; stdout is the function's.
import { pathToFileURL } from 'node:url';

const [bundle = '', eventJson = '{}', invocationsArg = '0'] = process.argv.slice(2);
const start = performance.now();
const { handler } = (await import(pathToFileURL(bundle).href)) as {
  handler: (event: unknown, context: unknown) => Promise<unknown>;
};
const ready = performance.now();
process.send?.({ kind: 'ready', importMs: ready - start, sinceProcessStartMs: ready });

const event: unknown = JSON.parse(eventJson);
const context = { functionName: 'bench', awsRequestId: 'bench', getRemainingTimeInMillis: () => 60_000 };
const invocations = Number(invocationsArg);
const samples: number[] = [];
for (let i = 0; i < invocations; i += 1) {
  const begun = performance.now();
  await handler(event, context);
  samples.push(performance.now() - begun);
}
process.send?.({ kind: 'done', samples }, () => process.exit(0));
