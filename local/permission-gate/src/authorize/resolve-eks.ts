// Amazon EKS (REST-JSON: the operation is the method and the path, `GET /clusters/<name>` for
// DescribeCluster), what a pipeline reads to reach a cluster. Authorized on the cluster ARN.
import type { GateRequest } from '../gate-request.ts';
import { invalidParameter, refuse, unmappedOperation } from './aws-errors.ts';
import type { Draft } from './types.ts';

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return refuse(invalidParameter('eks', 'The request path is not valid percent-encoding.'));
  }
}

export function resolveEks(request: GateRequest): Draft {
  const method = request.method.toUpperCase();
  const segments = request.path.split('/').filter((segment) => segment !== '');
  if (method === 'GET' && segments.length === 2 && segments[0] === 'clusters') {
    const name = decodeSegment(segments[1] ?? '');
    return {
      operation: 'DescribeCluster',
      primaryAction: 'eks:DescribeCluster',
      authorizations: [
        { action: 'eks:DescribeCluster', resourceType: 'cluster', arnParts: { ClusterName: name } },
      ],
      requestParameters: { name },
    };
  }
  return refuse(unmappedOperation('eks', `${method} ${request.path}`));
}
