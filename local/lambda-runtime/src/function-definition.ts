/** What Lambda knows about a function: its code, handler, role and limits. */
export interface FunctionDefinition {
  functionName: string;
  /** Directory holding the bundle (Lambda's LAMBDA_TASK_ROOT), e.g. apps/upload-processor/dist. */
  codeDirectory: string;
  /** `<module>.<export>`, e.g. `index.handler` for index.mjs's `handler`. */
  handler: string;
  /** The execution role, assumed as lambda.amazonaws.com. */
  roleArn: string;
  region: string;
  memorySizeMb: number;
  timeoutSeconds: number;
  /** The function's own environment variables (Lambda's reserved names are refused). */
  environment: Record<string, string>;
}

export const RUNTIME_ID = 'nodejs24.x';
export const FUNCTION_VERSION = '$LATEST';

export function functionArn({ functionName, roleArn, region }: FunctionDefinition): string {
  const [, partition, , , accountId] = roleArn.split(':');
  return `arn:${partition}:lambda:${region}:${accountId}:function:${functionName}`;
}
