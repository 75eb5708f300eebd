// What a suite's declaration of its needs decides; fixtures/emulator-suites in tools/setup holds
// real reports of emulatorSuite blocks, which the account and the docs table are tested on.
import { expect, test } from 'vitest';
import { planSuite } from '../src/emulator-suite.ts';

test('on an emulator with every capability needed, the block runs, titled after the emulator', () => {
  expect(planSuite(['s3', 'sqs'], {})).toEqual({ emulator: 'moto', lacking: [], title: 'on moto' });
  expect(planSuite(['cognito-user-pools'], { KEYLESS_EMULATOR: 'ministack' }).title).toBe('on ministack');
});

test('on one that lacks any, it is not applicable, and the title gives every reason', () => {
  const plan = planSuite(['s3', 'dynamodb', 'cognito-user-pools'], { KEYLESS_EMULATOR: 'localstack' });
  expect(plan.lacking).toHaveLength(2);
  expect(plan.title).toMatch(
    /^not applicable on localstack: lacks DynamoDB tables: .+; lacks Cognito user pools .+: LocalStack core has no Cognito$/,
  );
});

test('an emulator that is none of them is a configuration error, not a suite that runs somewhere', () => {
  expect(() => planSuite(['s3'], { KEYLESS_EMULATOR: 'dynamodb-local' })).toThrow(/KEYLESS_EMULATOR/);
});
