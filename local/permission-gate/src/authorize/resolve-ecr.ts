// Amazon ECR's API (AWS JSON 1.1, `X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.<Op>`):
// only what a client needs to log in to a registry. `GetAuthorizationToken` is authorized on no
// resource (the token is for the account's registry); what the token may then do is decided per
// repository by the registry's token service (local/image-registry).
import type { GateRequest } from '../gate-request.ts';
import { refuse, unmappedOperation } from './aws-errors.ts';
import { targetOperation } from './detect-protocol.ts';
import { jsonBody } from './request-body.ts';
import type { Draft } from './types.ts';

export const ECR_TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921';

export function resolveEcr(request: GateRequest): Draft {
  const operation = targetOperation(request, ECR_TARGET_PREFIX);
  if (operation !== 'GetAuthorizationToken')
    return refuse(
      unmappedOperation('ecr', operation ?? request.headers['x-amz-target'] ?? 'without X-Amz-Target'),
    );
  const body = jsonBody(request, 'ecr');
  return {
    operation,
    primaryAction: 'ecr:GetAuthorizationToken',
    authorizations: [{ action: 'ecr:GetAuthorizationToken' }],
    requestParameters: body,
  };
}
