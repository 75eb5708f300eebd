export { startLocalLambda, type LocalLambda, type LocalLambdaOptions } from './start-local-lambda.ts';
export type { FunctionDefinition } from './function-definition.ts';
export type { InvocationReport } from './async-invoker.ts';
export type { DestinationRecord } from './failure-destination.ts';
export type { LambdaError } from './runtime/execution-environment.ts';
export type { S3Trigger } from './s3-trigger.ts';
