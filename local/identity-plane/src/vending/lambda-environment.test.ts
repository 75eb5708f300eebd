import { describe, expect, test } from 'vitest';
import { lambdaCredentialEnvironment } from './lambda-environment.ts';
import { captureLogger } from './testing/capture-logger.ts';
import { recordingIssuer } from './testing/recording-issuer.ts';
import { resolveInChildProcess } from './testing/run-default-chain.ts';

const roleArn = 'arn:aws:iam::123456789012:role/upload-processor';
const fn = { roleArn, functionName: 'upload-processor', region: 'eu-west-1' };

describe('Lambda environment credentials', () => {
  test('a process started with only the three variables gets them through the SDK default chain', async () => {
    const issuer = recordingIssuer();
    const { logger } = captureLogger();
    const { environment, expiration } = await lambdaCredentialEnvironment(issuer.issue, fn, logger);
    expect(Object.keys(environment).sort()).toEqual([
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
    ]);
    expect(expiration).toEqual(issuer.issued[0]?.expiration);
    const result = await resolveInChildProcess({ ...environment });
    expect(result.accessKeyIds).toEqual([environment.AWS_ACCESS_KEY_ID]);
  });

  test('the execution role is assumed as lambda.amazonaws.com, session and source named after the function', async () => {
    const issuer = recordingIssuer();
    const { logger, lines } = captureLogger();
    await lambdaCredentialEnvironment(issuer.issue, fn, logger);
    const functionArn = 'arn:aws:lambda:eu-west-1:123456789012:function:upload-processor';
    expect(issuer.requests).toEqual([
      {
        service: 'lambda.amazonaws.com',
        roleArn,
        sessionName: 'upload-processor',
        sourceAccount: '123456789012',
        sourceArn: functionArn,
        durationSeconds: undefined,
      },
    ]);
    expect(lines).toContainEqual(
      expect.objectContaining({
        decision: 'allowed',
        mechanism: 'lambda-environment',
        caller: functionArn,
        role: roleArn,
      }),
    );
  });

  test('a role that does not trust Lambda is refused with the issuer’s reason, and the refusal is logged', async () => {
    const issuer = recordingIssuer();
    issuer.denyRole = roleArn;
    const { logger, lines } = captureLogger();
    await expect(lambdaCredentialEnvironment(issuer.issue, fn, logger)).rejects.toThrow(
      /cannot be assumed by Lambda: lambda\.amazonaws\.com is not allowed to assume .*upload-processor/,
    );
    expect(lines).toContainEqual(expect.objectContaining({ decision: 'denied', role: roleArn }));
  });
});
