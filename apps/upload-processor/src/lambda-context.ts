/** The part of Lambda's context object this function uses. */
export interface LambdaContext {
  functionName: string;
  awsRequestId: string;
}
