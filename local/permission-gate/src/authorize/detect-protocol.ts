// Which protocol the caller spoke, so an error reaches its SDK in a shape the SDK can parse even
// when the gate cannot tell which operation was called.
import type { GateRequest } from '../gate-request.ts';
import type { AwsProtocol } from './types.ts';

export function detectProtocol(request: GateRequest, service: string): AwsProtocol {
  const target = request.headers['x-amz-target'];
  const type = request.headers['content-type'] ?? '';
  if (service === 's3') return 'rest-xml';
  if (service === 'sqs') return target ? 'sqs-json' : 'query';
  // EKS speaks REST-JSON: resources in the path, no target.
  if (service === 'eks') return 'rest-json';
  if (target) return type.includes('1.1') ? 'json-1.1' : 'json-1.0';
  if (service === 'dynamodb') return 'json-1.0';
  if (service === 'secretsmanager' || service === 'logs' || service === 'ecs' || service === 'ecr')
    return 'json-1.1';
  if (
    service === 'sts' ||
    service === 'cloudformation' ||
    type.startsWith('application/x-www-form-urlencoded')
  )
    return 'query';
  return 'rest-xml';
}

/** The operation named by `X-Amz-Target: <prefix>.<Operation>`, if it carries the expected prefix. */
export function targetOperation(request: GateRequest, prefix: string): string | undefined {
  const target = request.headers['x-amz-target'];
  if (!target?.startsWith(`${prefix}.`)) return undefined;
  return target.slice(prefix.length + 1);
}
