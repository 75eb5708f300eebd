import type { Logger } from '@keyless/logging';
import type { ServiceCredentialIssuer } from '../contracts.ts';
import { parseRoleArn } from './role-arn.ts';
import { logDecision } from './vending-decision.ts';

const LAMBDA_PRINCIPAL = 'lambda.amazonaws.com';

export interface LambdaFunction {
  /** The execution role. */
  roleArn: string;
  functionName: string;
  region: string;
  durationSeconds?: number;
}

/** Exactly the credential variables Lambda puts in a function's environment. */
export interface LambdaCredentialVariables {
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
  AWS_SESSION_TOKEN: string;
}

export interface LambdaCredentialEnvironment {
  environment: LambdaCredentialVariables;
  /**
   * Not given to the function (Lambda sets no such variable): the runtime must retire the
   * execution environment before this, as Lambda does, and start a new one with fresh credentials.
   */
  expiration: Date;
}

/**
 * Assumes a function's execution role as `lambda.amazonaws.com`, session named after the function
 * and the function's ARN as aws:SourceArn, and returns the variables the runtime passes on.
 * A role that does not trust Lambda rejects here with the issuer's reason.
 */
export async function lambdaCredentialEnvironment(
  issuer: ServiceCredentialIssuer,
  { roleArn, functionName, region, durationSeconds }: LambdaFunction,
  logger: Logger,
): Promise<LambdaCredentialEnvironment> {
  // An execution role lives in the function's account.
  const { partition, accountId } = parseRoleArn(roleArn);
  const functionArn = `arn:${partition}:lambda:${region}:${accountId}:function:${functionName}`;
  try {
    const credentials = await issuer({
      service: LAMBDA_PRINCIPAL,
      roleArn,
      sessionName: functionName,
      sourceAccount: accountId,
      sourceArn: functionArn,
      durationSeconds,
    });
    logDecision(logger, {
      mechanism: 'lambda-environment',
      caller: functionArn,
      role: roleArn,
      allowed: true,
      reason: 'execution role assumed',
    });
    return {
      environment: {
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        AWS_SESSION_TOKEN: credentials.sessionToken,
      },
      expiration: credentials.expiration,
    };
  } catch (error) {
    const message = (error as Error).message;
    logDecision(logger, {
      mechanism: 'lambda-environment',
      caller: functionArn,
      role: roleArn,
      allowed: false,
      reason: message,
    });
    throw new Error(
      `The role defined for the function ${functionName} cannot be assumed by Lambda: ${message}`,
      { cause: error },
    );
  }
}
