// cdk-nag's AwsSolutions-IAM5 flags every Allow with a `*` in an ARN. The model keeps each such
// wildcard bounded (see libs/iam-model/README.md, "Where * remains"); each pattern here carries
// the reason a reviewer would otherwise ask for. A wildcard that matches no pattern is an error,
// so a new one cannot be waved through without a written reason.
import type { RoleDefinition } from '@keyless/iam-model';
import type { OneOrMany } from '@keyless/iam-policy';

interface WildcardReason {
  pattern: RegExp;
  reason: string;
}

const REASONS: readonly WildcardReason[] = [
  {
    pattern: /^arn:[^:]+:s3:::[^/]+\/incoming\/\*$/,
    reason:
      'Object keys under incoming/ are created per upload (incoming/<sub>/<uploadId>/<name>), so they cannot be listed in advance; the grant is limited to that prefix of the one bucket.',
  },
  {
    pattern: /^arn:[^:]+:s3:::[^/]+\/reports\/\*$/,
    reason:
      'Report keys carry the generation date (reports/<yyyy>/<mm>/<dd>/usage-<timestamp>.json); the grant is limited to the reports/ prefix of the one bucket.',
  },
  {
    pattern: /^arn:[^:]+:logs:[^:]+:\d{12}:log-group:\/aws\/lambda\/[^:*]+:\*$/,
    reason:
      "Log stream names are created by Lambda per execution environment; the grant covers only the streams of the function's own log group.",
  },
  {
    pattern: /^arn:[^:]+:ecs:[^:]+:\d{12}:service\/[^/*]+\/\*$/,
    reason:
      'The deploy role may roll any service of the one keyless ECS cluster (api, ledger-worker); the cluster is named, the services are its own.',
  },
  {
    pattern: /^arn:[^:]+:cloudformation:[^:]+:\d{12}:stack\/[^/*]+\*\/\*$/,
    reason:
      'CloudFormation appends a generated ID to every stack ARN, and the diff role must read all stacks of this app (named keyless-*); it is read-only (DescribeStacks, GetTemplate).',
  },
];

const asArray = <T>(value: OneOrMany<T> | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

export function acknowledgeModelWildcards(definition: RoleDefinition): { id: string; reason: string }[] {
  const resources = new Set<string>();
  for (const policy of Object.values(definition.policies)) {
    for (const statement of policy.Statement) {
      if (statement.Effect !== 'Allow') continue;
      for (const resource of asArray(statement.Resource)) if (resource.includes('*')) resources.add(resource);
    }
  }
  return [...resources].map((resource) => {
    const known = REASONS.find(({ pattern }) => pattern.test(resource));
    if (!known) {
      throw new Error(
        `role '${definition.name}': wildcard resource '${resource}' has no documented reason in model-wildcards.ts`,
      );
    }
    return { id: `AwsSolutions-IAM5[Resource::${resource}]`, reason: known.reason };
  });
}
