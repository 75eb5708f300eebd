// Turns a request into what IAM evaluates: the operation, and for each permission it needs an
// action, a resource ARN and the condition keys the request supplies. Resolvers name actions and
// resource types; the catalogue (AWS's Service Authorization Reference as data) builds every ARN
// and vouches for every action and condition key, so what the gate evaluates is spelled as the
// policies AWS accepts are. Anything the gate cannot map is refused, never guessed.
import type { GateRequest } from '../gate-request.ts';
import { accessDenied, invalidParameter, Refusal, unmappedOperation } from './aws-errors.ts';
import {
  buildArn,
  catalogueAction,
  CatalogueMismatch,
  checkArn,
  checkConditionKey,
  isReadOnly,
  type ArnScope,
} from './catalogue.ts';
import { detectProtocol } from './detect-protocol.ts';
import { resolveCloudFormation } from './resolve-cloudformation.ts';
import { resolveDynamoDb } from './resolve-dynamodb.ts';
import { resolveEcs } from './resolve-ecs.ts';
import { resolveEcr } from './resolve-ecr.ts';
import { resolveEks } from './resolve-eks.ts';
import { resolveLogs } from './resolve-logs.ts';
import { resolveRdsDb } from './resolve-rds-db.ts';
import { resolveS3 } from './resolve-s3.ts';
import { resolveSecretsManager } from './resolve-secrets-manager.ts';
import { resolveSqs } from './resolve-sqs.ts';
import { resolveSts } from './resolve-sts.ts';
import type {
  Authorization,
  Draft,
  DraftAuthorization,
  ResolvedRequest,
  ResolveFailure,
  ResolveScope,
} from './types.ts';

const RESOLVERS: Record<string, (request: GateRequest, scope: ResolveScope) => Draft> = {
  s3: (request) => resolveS3(request),
  sqs: (request) => resolveSqs(request),
  dynamodb: (request, scope) => resolveDynamoDb(request, scope.keySchemas),
  secretsmanager: (request, scope) => resolveSecretsManager(request, scope.secretArn),
  sts: (request) => resolveSts(request),
  logs: (request) => resolveLogs(request),
  ecs: (request, scope) => resolveEcs(request, scope),
  ecr: (request) => resolveEcr(request),
  eks: (request) => resolveEks(request),
  cloudformation: (request) => resolveCloudFormation(request),
  'rds-db': (request, scope) => resolveRdsDb(request, scope.dbiResourceId),
};

/** The services the gate can authorize requests for (the SigV4 scope's service names). */
export const RESOLVED_SERVICES: readonly string[] = Object.keys(RESOLVERS);

/** Operations AWS performs without authorizing them against any policy. */
const NEVER_AUTHORIZED = new Set(['sts:GetCallerIdentity']);

function finalizeAuthorization(draft: DraftAuthorization, scope: ArnScope): Authorization {
  const details = catalogueAction(draft.action);
  let resource = '*';
  if (draft.resourceType) {
    resource = draft.arn
      ? checkArn(draft.action, draft.resourceType, draft.arn, scope)
      : buildArn(draft.action, draft.resourceType, draft.arnParts ?? {}, scope);
  } else if (details.resourceRequired) {
    throw new CatalogueMismatch(
      `'${details.action}' is authorized on a resource, and the resolver named none`,
    );
  }
  const context = draft.context ?? {};
  for (const key of Object.keys(context)) checkConditionKey(draft.action, key, draft.resourceType);
  return { action: details.action, resource, context };
}

function finalize(
  draft: Draft,
  service: string,
  scope: ArnScope,
  protocol: ResolvedRequest['protocol'],
): ResolvedRequest {
  const authorizations = draft.authorizations.map((authorization) =>
    finalizeAuthorization(authorization, scope),
  );
  if (authorizations.length === 0 && !NEVER_AUTHORIZED.has(draft.primaryAction)) {
    // A batch naming nothing would otherwise pass with nothing checked.
    throw new Refusal(invalidParameter(service, `${draft.operation} names no resource to act on.`));
  }
  return {
    ok: true,
    service,
    protocol,
    operation: draft.operation,
    eventSource: `${service}.amazonaws.com`,
    readOnly: isReadOnly(draft.primaryAction),
    authorizations,
    requestParameters: draft.requestParameters,
  };
}

/**
 * What IAM must allow for this request, or the error to answer with (in `protocol`). `scope` is
 * the SigV4 credential scope plus the caller's account; `keySchemas` and `secretArn` are
 * explained on ResolveScope.
 */
export function resolveRequest(request: GateRequest, scope: ResolveScope): ResolvedRequest | ResolveFailure {
  const { service } = scope;
  const protocol = detectProtocol(request, service);
  const fail = (error: ResolveFailure['error'], operation?: string): ResolveFailure => ({
    ok: false,
    error,
    protocol,
    service,
    ...(operation ? { operation } : {}),
  });
  const resolver = RESOLVERS[service];
  if (!resolver)
    return fail(unmappedOperation(service, `(any: the gate does not resolve service '${service}')`));
  const arnScope: ArnScope = {
    partition: scope.partition ?? 'aws',
    region: scope.region,
    accountId: scope.accountId,
  };
  let draft: Draft | undefined;
  try {
    draft = resolver(request, scope);
    return finalize(draft, service, arnScope, protocol);
  } catch (error) {
    if (error instanceof Refusal) return fail(error.error, draft?.operation);
    const reason = error instanceof Error ? error.message : String(error);
    // A request the gate cannot resolve is refused, never forwarded: failing closed is the point.
    const prefix =
      error instanceof CatalogueMismatch
        ? 'The permission gate does not agree with the IAM catalogue'
        : 'The permission gate could not resolve this request';
    return fail(
      accessDenied(service, `${prefix}${draft ? ` (${draft.operation})` : ''}: ${reason}`),
      draft?.operation,
    );
  }
}

export type { Authorization, ResolvedRequest, ResolveFailure, ResolveScope } from './types.ts';
