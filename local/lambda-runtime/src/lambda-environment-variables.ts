import { randomBytes } from 'node:crypto';
import type { LambdaCredentialVariables } from '@keyless/identity-plane';
import { FUNCTION_VERSION, RUNTIME_ID, type FunctionDefinition } from './function-definition.ts';

// Lambda sets these itself and refuses a function configuration that names one of them.
export const RESERVED_VARIABLES = [
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
] as const;

export function assertNoReservedVariables(environment: Record<string, string>): void {
  const used = Object.keys(environment).filter((name) =>
    (RESERVED_VARIABLES as readonly string[]).includes(name),
  );
  if (used.length > 0) {
    throw new Error(
      `Lambda was unable to configure your environment variables because they use reserved keys: ${used.join(', ')}`,
    );
  }
}

/**
 * The complete environment of an execution environment's process, as Lambda builds it: the
 * reserved variables, the execution role's credentials, then the function's own variables.
 * Nothing is inherited from the process running the local runtime (so no administrator
 * credentials or AWS profile can leak into the function), except PATH.
 */
export function lambdaEnvironmentVariables(
  fn: FunctionDefinition,
  runtime: { runtimeApi: string; runtimeDirectory: string },
  credentials: LambdaCredentialVariables,
  now: Date = new Date(),
): Record<string, string> {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '/');
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    _HANDLER: fn.handler,
    AWS_REGION: fn.region,
    AWS_DEFAULT_REGION: fn.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${RUNTIME_ID}`,
    AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySizeMb),
    AWS_LAMBDA_FUNCTION_VERSION: FUNCTION_VERSION,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `${day}/[${FUNCTION_VERSION}]${randomBytes(16).toString('hex')}`,
    AWS_LAMBDA_RUNTIME_API: runtime.runtimeApi,
    LAMBDA_TASK_ROOT: fn.codeDirectory,
    LAMBDA_RUNTIME_DIR: runtime.runtimeDirectory,
    ...credentials,
    ...fn.environment,
  };
}

/**
 * The Node.js flags of Lambda's bootstrap script (/var/runtime/bootstrap): V8's heap derived from
 * the memory size (a tenth for the young generation, half of that per semi-space, the rest for
 * the old generation), `gc` exposed, and the larger HTTP header limit.
 */
export function nodeArguments(memorySizeMb: number): string[] {
  const newSpace = Math.floor(memorySizeMb / 10);
  return [
    '--expose-gc',
    '--max-http-header-size=81920',
    `--max-semi-space-size=${Math.floor(newSpace / 2)}`,
    `--max-old-space-size=${memorySizeMb - newSpace}`,
  ];
}
