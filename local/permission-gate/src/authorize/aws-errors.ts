// The errors the gate itself raises while resolving, with the code and status each service uses,
// so an SDK classifies them as it would AWS's: 4xx, not retried, named as the service names it.
import type { AwsError } from '../gate-request.ts';

/** Thrown inside a resolver; resolveRequest turns it into `{ ok: false, error }`. */
export class Refusal extends Error {
  readonly error: AwsError;
  constructor(error: AwsError) {
    super(error.message);
    this.name = 'Refusal';
    this.error = error;
  }
}

// S3, SQS (query code), STS and CloudFormation answer 403 AccessDenied; the JSON services 400
// AccessDeniedException (ECS included, per its API Reference's errors); EKS, a REST-JSON service,
// 403 AccessDeniedException.
const accessDeniedShapes: Record<string, { status: number; code: string }> = {
  s3: { status: 403, code: 'AccessDenied' },
  sqs: { status: 403, code: 'AccessDenied' },
  sts: { status: 403, code: 'AccessDenied' },
  cloudformation: { status: 403, code: 'AccessDenied' },
  dynamodb: { status: 400, code: 'AccessDeniedException' },
  secretsmanager: { status: 400, code: 'AccessDeniedException' },
  logs: { status: 400, code: 'AccessDeniedException' },
  ecs: { status: 400, code: 'AccessDeniedException' },
  ecr: { status: 400, code: 'AccessDeniedException' },
  eks: { status: 403, code: 'AccessDeniedException' },
};

const invalidParameterCodes: Record<string, string> = {
  s3: 'InvalidRequest',
  sqs: 'InvalidParameterValue',
  sts: 'ValidationError',
  dynamodb: 'ValidationException',
  secretsmanager: 'InvalidParameterException',
  logs: 'InvalidParameterException',
  ecs: 'InvalidParameterException',
  ecr: 'InvalidParameterException',
  eks: 'InvalidParameterException',
  'rds-db': 'InvalidParameterValue',
  cloudformation: 'ValidationError',
};

/** The service's own "not authorized" error. */
export function accessDenied(service: string, message: string): AwsError {
  const shape = accessDeniedShapes[service] ?? { status: 403, code: 'AccessDenied' };
  return { ...shape, message };
}

/** The service's own "bad parameter" error, for a request the gate cannot read. */
export function invalidParameter(service: string, message: string): AwsError {
  return { status: 400, code: invalidParameterCodes[service] ?? 'InvalidRequest', message };
}

/**
 * An operation the gate has no mapping for. Refused as access denied rather than 501: SDKs retry
 * 5xx, and "not implemented" would blame the emulator for what is the gate's choice not to guess.
 */
export function unmappedOperation(service: string, operation: string): AwsError {
  return accessDenied(
    service,
    `The permission gate cannot map ${service} operation ${operation} to IAM actions, so it refuses it ` +
      'rather than guess (local/permission-gate/src/authorize lists the operations it maps).',
  );
}

export function refuse(error: AwsError): never {
  throw new Refusal(error);
}
