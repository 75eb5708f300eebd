// Amazon ECS (AWS JSON 1.1, `X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Op>`): what a
// deployment pipeline does to roll a service. Services are authorized on the service ARN
// (`service/<cluster>/<service>`), with `ecs:cluster` the cluster's ARN, as AWS does. A request
// naming no cluster means the `default` cluster, as ECS reads it.
import type { GateRequest } from '../gate-request.ts';
import { invalidParameter, refuse, unmappedOperation } from './aws-errors.ts';
import { targetOperation } from './detect-protocol.ts';
import { jsonBody, lowerFirst, requiredString, stringField, type JsonObject } from './request-body.ts';
import type { ConditionContext, Draft, DraftAuthorization, ResolveScope } from './types.ts';

const TARGET_PREFIX = 'AmazonEC2ContainerServiceV20141113';

type Scope = Pick<ResolveScope, 'region' | 'accountId' | 'partition'>;

/** `name`, or the last path segment of `arn:…:<kind>/…/name`. */
function nameOf(idOrArn: string): string {
  return idOrArn.startsWith('arn:') ? idOrArn.slice(idOrArn.lastIndexOf('/') + 1) : idOrArn;
}

function regionalArn(scope: Scope, resource: string): string {
  return `arn:${scope.partition ?? 'aws'}:ecs:${scope.region}:${scope.accountId}:${resource}`;
}

function clusterOf(body: JsonObject, scope: Scope): { name: string; arn: string } {
  const cluster = stringField(body, 'cluster') ?? 'default';
  const name = nameOf(cluster);
  return { name, arn: cluster.startsWith('arn:') ? cluster : regionalArn(scope, `cluster/${name}`) };
}

/** A service named by ARN is taken as given (the catalogue checks its form); by name, in the cluster. */
function serviceAuthorization(
  action: string,
  service: string,
  cluster: { name: string },
  context: ConditionContext,
): DraftAuthorization {
  return service.startsWith('arn:')
    ? { action, resourceType: 'service', arn: service, context }
    : {
        action,
        resourceType: 'service',
        arnParts: { ClusterName: cluster.name, ServiceName: service },
        context,
      };
}

/** The UpdateService condition keys the request itself states. */
function updateContext(body: JsonObject, scope: Scope, clusterArn: string): ConditionContext {
  const context: ConditionContext = { 'ecs:cluster': clusterArn };
  const taskDefinition = stringField(body, 'taskDefinition');
  if (taskDefinition !== undefined) {
    context['ecs:task-definition'] = taskDefinition.startsWith('arn:')
      ? taskDefinition
      : regionalArn(scope, `task-definition/${taskDefinition}`);
  }
  const flags: Array<[string, string]> = [
    ['enableExecuteCommand', 'ecs:enable-execute-command'],
    ['enableECSManagedTags', 'ecs:enable-ecs-managed-tags'],
  ];
  for (const [field, key] of flags) {
    if (typeof body[field] === 'boolean') context[key] = String(body[field]);
  }
  const propagateTags = stringField(body, 'propagateTags');
  if (propagateTags !== undefined) context['ecs:propagate-tags'] = propagateTags;
  return context;
}

function forTrail(body: JsonObject): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).map(([name, value]) => [lowerFirst(name), value]));
}

export function resolveEcs(request: GateRequest, scope: Scope): Draft {
  const operation = targetOperation(request, TARGET_PREFIX);
  if (!operation)
    return refuse(unmappedOperation('ecs', request.headers['x-amz-target'] ?? 'without X-Amz-Target'));
  const body = jsonBody(request, 'ecs');
  const action = `ecs:${operation}`;
  const cluster = () => clusterOf(body, scope);
  const draft = (authorizations: DraftAuthorization[]): Draft => ({
    operation,
    primaryAction: action,
    authorizations,
    requestParameters: forTrail(body),
  });
  switch (operation) {
    case 'UpdateService': {
      const { name, arn } = cluster();
      const service = requiredString(body, 'service', 'ecs');
      return draft([serviceAuthorization(action, service, { name }, updateContext(body, scope, arn))]);
    }
    case 'DescribeServices': {
      const { name, arn } = cluster();
      const services = Array.isArray(body.services) ? body.services : [];
      if (services.length === 0 || !services.every((s): s is string => typeof s === 'string' && s !== '')) {
        return refuse(invalidParameter('ecs', 'DescribeServices must give services, each a name or ARN.'));
      }
      return draft(
        services.map((service) => serviceAuthorization(action, service, { name }, { 'ecs:cluster': arn })),
      );
    }
    default:
      return refuse(unmappedOperation('ecs', operation));
  }
}
