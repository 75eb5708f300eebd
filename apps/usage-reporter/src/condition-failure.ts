/**
 * S3 refused a conditional write: 412 PreconditionFailed (the object is not as the condition
 * said), or 409 ConditionalRequestConflict (another conditional write to the key was in flight).
 * Either way the caller should look again before deciding anything.
 */
export function isConditionFailure(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  return status === 412 || status === 409;
}
