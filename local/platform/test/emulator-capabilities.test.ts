// The capability table is a set of claims about each emulator; here every claim meets the emulator
// it describes: each probe must find exactly what the table says, has or lacks.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  adminClients,
  capabilities,
  emulators,
  hasCapability,
  lacking,
  repoRoot,
  startEmulatorProcess,
  type Capability,
  type RunningEmulator,
} from '../src/index.ts';
import { probes } from './support/capability-probes.ts';
import { emulatorSuite } from './support/installed-emulators.ts';

const region = 'eu-west-1';

for (const emulator of emulators) {
  const suite = emulatorSuite(emulator);
  describe.skipIf(suite.skip)(suite.skip ? suite.title : `on ${emulator}`, () => {
    let running: RunningEmulator;
    beforeAll(async () => {
      running = await startEmulatorProcess({ emulator });
    });
    afterAll(() => running?.stop());

    const claims = (Object.keys(capabilities) as Capability[]).map((capability) => ({
      capability,
      has: hasCapability(emulator, capability),
      verdict: hasCapability(emulator, capability) ? 'has' : 'lacks',
    }));

    test.each(claims)('$verdict $capability', async ({ capability, has }) => {
      const target = {
        clients: adminClients({ endpoint: running.endpoint, region }),
        endpoint: running.endpoint,
        region,
      };
      expect(await probes[capability](target)).toBe(has);
    });
  });
}

test('lacking() names each missing capability and why, and nothing the emulator has', () => {
  expect(lacking('localstack', ['s3', 'dynamodb', 'cognito-user-pools'])).toEqual([
    expect.stringMatching(/^localstack lacks DynamoDB tables: .*DynamoDB Local/),
    expect.stringMatching(/^localstack lacks Cognito user pools.*: LocalStack core has no Cognito$/),
  ]);
  expect(lacking('moto', ['s3', 'sqs', 'cognito-user-pools'])).toEqual([]);
});

test('the table in docs/emulators.md says what this one says, cell by cell, and lists every capability', () => {
  const docs = readFileSync(join(repoRoot, 'docs', 'emulators.md'), 'utf8');
  const section = docs.slice(
    docs.indexOf('## What each has'),
    docs.indexOf('\n## ', docs.indexOf('## What each has')),
  );
  const rows = new Map(
    section.split('\n').flatMap((line) => {
      const cells = /^\| `([a-z0-9-]+)` +\|[^|]+\|(.+)\|$/.exec(line);
      return cells?.[1] && cells[2] ? [[cells[1], cells[2].split('|').map((cell) => cell.trim())]] : [];
    }),
  );
  expect([...rows.keys()].sort()).toEqual(Object.keys(capabilities).sort());
  for (const [capability, cells] of rows) {
    expect({ capability, cells }).toEqual({
      capability,
      cells: emulators.map((emulator) => (hasCapability(emulator, capability as Capability) ? '✓' : '✗')),
    });
  }
});
