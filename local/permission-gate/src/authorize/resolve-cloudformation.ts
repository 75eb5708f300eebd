// AWS CloudFormation (query protocol: `Action=<Op>` in a form body), what `cdk diff` reads.
// Stacks are authorized on `stack/<name>/<id>`. A request naming a stack by its ARN carries the
// ID; one naming it by name does not, and the gate (which does not look stacks up) resolves the
// name `n` to `stack/n/*`: a policy's `stack/n/*` or `stack/prefix*/*` matches it, a policy naming
// one exact stack ID does not (an Allow then fails closed, and so does a Deny: name stacks by
// pattern in Denies). DescribeStacks without StackName describes every stack: its stack resource
// type is optional, and the request is authorized on `*`.
import type { GateRequest } from '../gate-request.ts';
import { invalidParameter, refuse, unmappedOperation } from './aws-errors.ts';
import { formFields, lowerFirst } from './request-body.ts';
import type { Draft, DraftAuthorization } from './types.ts';

const OMITTED = new Set(['Action', 'Version']);

function onStack(action: string, stack: string): DraftAuthorization {
  return stack.startsWith('arn:')
    ? { action, resourceType: 'stack', arn: stack }
    : { action, resourceType: 'stack', arnParts: { StackName: stack, Id: '*' } };
}

export function resolveCloudFormation(request: GateRequest): Draft {
  const fields = formFields(request);
  const operation = fields.get('Action');
  if (!operation) return refuse(invalidParameter('cloudformation', 'The request has no Action.'));
  const requestParameters: Record<string, unknown> = {};
  for (const [name, value] of fields) {
    if (!OMITTED.has(name) && !/^X-Amz-/i.test(name)) requestParameters[lowerFirst(name)] = value;
  }
  const action = `cloudformation:${operation}`;
  const stack = fields.get('StackName');
  const draft = (authorizations: DraftAuthorization[]): Draft => ({
    operation,
    primaryAction: action,
    authorizations,
    requestParameters,
  });
  switch (operation) {
    case 'DescribeStacks':
      return draft([stack ? onStack(action, stack) : { action }]);
    case 'GetTemplate':
      if (!stack) {
        // A change set ARN alone names its stack only by ID: the gate does not look it up.
        return refuse(unmappedOperation('cloudformation', 'GetTemplate without StackName'));
      }
      return draft([onStack(action, stack)]);
    default:
      return refuse(unmappedOperation('cloudformation', operation));
  }
}
