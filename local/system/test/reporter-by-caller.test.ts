// `npm run demo -- --reporter-by-caller` (the demo in the compose system's identity container):
// each reporter run is one request line out and one answer line in, and the demo lets go of its
// stdin when done, so its process can exit.
import { PassThrough } from 'node:stream';
import { expect, test } from 'vitest';
import { reporterRunsByCaller, requestPrefix } from '../src/reporter-by-caller.ts';

test('asks the caller for each run, prints the lines it answers with, and returns its exit code', async () => {
  const input = new PassThrough();
  const output = new PassThrough();
  const requests: string[] = [];
  output.on('data', (chunk: Buffer) => requests.push(...chunk.toString().split('\n').filter(Boolean)));
  const { runReporter, close } = reporterRunsByCaller(input, output);

  const printed: string[] = [];
  const run = runReporter('default', (service, line) => printed.push(`${service}: ${line}`));
  await new Promise((resolve) => setImmediate(resolve));
  expect(requests).toEqual([`${requestPrefix}{"run":"usage-reporter","serviceAccount":"default"}`]);
  input.write(
    `${JSON.stringify({ exitCode: 1, lines: [{ service: 'usage-reporter', line: 'AccessDenied' }] })}\n`,
  );
  expect(await run).toBe(1);
  expect(printed).toEqual(['usage-reporter: AccessDenied']);

  close();
  expect(input.destroyed).toBe(true);
});

test('a caller that closes stdin instead of answering fails the run, saying so', async () => {
  const input = new PassThrough();
  const { runReporter } = reporterRunsByCaller(input, new PassThrough());
  const run = runReporter('usage-reporter', () => undefined);
  input.end();
  await expect(run).rejects.toThrow(/closed stdin instead of running the reporter/);
});
