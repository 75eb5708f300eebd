// CloudWatch Logs (AWS JSON 1.1, `X-Amz-Target: Logs_20140328.<Op>`): what a function's runtime
// needs to write its own logs. Stream operations are authorized on the log-stream ARN, which a
// policy's `log-group:<name>:*` matches.
import type { GateRequest } from '../gate-request.ts';
import { refuse, unmappedOperation } from './aws-errors.ts';
import { targetOperation } from './detect-protocol.ts';
import { jsonBody, requiredString, type JsonObject } from './request-body.ts';
import type { Draft, DraftAuthorization } from './types.ts';

function forTrail(body: JsonObject): Record<string, unknown> {
  const { logEvents, ...rest } = body;
  // Log lines are the workload's data; the trail keeps how many.
  return Array.isArray(logEvents) ? { ...rest, logEventCount: logEvents.length } : rest;
}

export function resolveLogs(request: GateRequest): Draft {
  const operation = targetOperation(request, 'Logs_20140328');
  if (!operation)
    return refuse(unmappedOperation('logs', request.headers['x-amz-target'] ?? 'without X-Amz-Target'));
  const body = jsonBody(request, 'logs');
  const action = `logs:${operation}`;
  const group = () => requiredString(body, 'logGroupName', 'logs');
  const draft = (authorization: DraftAuthorization): Draft => ({
    operation,
    primaryAction: action,
    authorizations: [authorization],
    requestParameters: forTrail(body),
  });
  switch (operation) {
    case 'CreateLogStream':
    case 'PutLogEvents':
      return draft({
        action,
        resourceType: 'log-stream',
        arnParts: { LogGroupName: group(), LogStreamName: requiredString(body, 'logStreamName', 'logs') },
      });
    case 'CreateLogGroup':
    case 'DescribeLogStreams':
      return draft({ action, resourceType: 'log-group', arnParts: { LogGroupName: group() } });
    default:
      return refuse(unmappedOperation('logs', operation));
  }
}
