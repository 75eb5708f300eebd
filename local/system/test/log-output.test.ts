import { describe, expect, test } from 'vitest';
import { logOutput, outputLogger } from '../src/log-output.ts';

const emf = JSON.stringify({
  _aws: {
    Timestamp: 1_767_225_600_000,
    CloudWatchMetrics: [{ Namespace: 'keyless', Dimensions: [['service']], Metrics: [{ Name: 'requests' }] }],
  },
  service: 'api',
  requests: 3,
});
const logLine = JSON.stringify({
  level: 'info',
  time: '2026-01-01T00:00:00.000Z',
  service: 'api',
  msg: 'listening',
});

function printed(json: boolean) {
  const text: string[] = [];
  return { output: logOutput(json, (chunk) => text.push(chunk)), text };
}

describe('EMF metric records', () => {
  test('are left out of the readable form, and only them', () => {
    const { output, text } = printed(false);
    output('api-1', emf);
    output('api-1', logLine);
    output('api-1', 'not json');
    expect(text).toEqual(['api-1           | info  listening\n', 'api-1           | not json\n']);
  });

  test('are printed as they are with --json', () => {
    const { output, text } = printed(true);
    output('api-1', emf);
    output('api-1', logLine);
    expect(text).toEqual([`${emf}\n`, `${logLine}\n`]);
  });
});

describe('in-process parts log under their own name', () => {
  test.each(['alb', 'local-lambda'])('%s', (name) => {
    const lines: [string, string][] = [];
    outputLogger(name, (service, line) => lines.push([service, line])).info({ status: 200 }, 'hello');
    expect(lines).toHaveLength(1);
    const [service, line] = lines[0] ?? [];
    expect(service).toBe(name);
    expect(JSON.parse(line ?? '')).toMatchObject({ service: name, msg: 'hello', status: 200 });

    const { output, text } = printed(false);
    outputLogger(name, output).info({ status: 200, target: 'http://127.0.0.1:8081' }, 'hello');
    expect(text).toEqual([`${name.padEnd(16)}| info  hello target=http://127.0.0.1:8081 status=200\n`]);
  });
});
