// What the resolvers produce. A resolver names actions, resource types and ARN parts; the
// catalogue turns them into ARNs and checks them (resolve-request.ts), so no resolver formats an
// ARN or decides readOnly by hand.
import type { AwsError } from '../gate-request.ts';

export type AwsProtocol = 'rest-xml' | 'rest-json' | 'json-1.0' | 'json-1.1' | 'query' | 'sqs-json';

export type ConditionContext = Record<string, string | string[]>;

export interface Authorization {
  /** `s3:GetObject`, as the catalogue spells it. */
  action: string;
  /** The full ARN, or `*` for an action the catalogue authorizes on no resource type. */
  resource: string;
  /** Service-specific (and request-tag) condition keys the request supplies. */
  context: ConditionContext;
}

export interface ResolvedRequest {
  ok: true;
  service:
    's3' | 'sqs' | 'dynamodb' | 'secretsmanager' | 'sts' | 'logs' | 'ecs' | 'eks' | 'cloudformation' | string;
  protocol: AwsProtocol;
  /** The API name, e.g. `DeleteMessageBatch`. */
  operation: string;
  /** CloudTrail's eventSource, e.g. `s3.amazonaws.com`. */
  eventSource: string;
  /** CloudTrail's readOnly: the operation's action has access level Read or List. */
  readOnly: boolean;
  /** Every one must be allowed. Empty only for operations AWS never authorizes (GetCallerIdentity). */
  authorizations: Authorization[];
  /** For a CloudTrail record: the parameters without secret values, message bodies, item values or object bytes. */
  requestParameters: Record<string, unknown>;
}

export interface ResolveFailure {
  ok: false;
  error: AwsError;
  /** How to render `error` for the caller's SDK (also known when the operation is not). */
  protocol: AwsProtocol;
  service: string;
  /** The operation, when the request named one. */
  operation?: string;
}

export interface ResolveScope {
  /** The SigV4 credential scope's service (`s3`, `sqs`, `dynamodb`, `secretsmanager`, `sts`, `logs`, `ecs`, `eks`, `cloudformation`). */
  service: string;
  region: string;
  accountId: string;
  /** Default `aws`. */
  partition?: string;
  /**
   * The partition key attribute of a table (or of one of its indexes, when `index` is given), for
   * `dynamodb:LeadingKeys`. Without it the key is inferred where the request alone says it, and
   * the request is refused where it does not (see resolve-dynamodb.ts).
   */
  keySchemas?: (table: string, index?: string) => string | undefined;
  /**
   * The full ARN (with its random 6-character suffix) of a secret named by name or partial ARN.
   * Without it, or when it returns undefined, a name `n` becomes `secret:n-??????` (see
   * resolve-secrets-manager.ts).
   */
  secretArn?: (idOrName: string) => string | undefined;
  /**
   * For `rds-db` (an IAM database authentication token): the resource id of the database or proxy
   * the token was presented to (`db-…`, `prx-…`), which names the `dbuser` ARN. The token does not
   * carry it; only the endpoint that received the token knows it. Without it the token is refused.
   */
  dbiResourceId?: string;
}

/** One authorization as a resolver states it: the catalogue builds (or checks) the ARN. */
export interface DraftAuthorization {
  action: string;
  /**
   * The catalogue's resource type key; absent for actions authorized on `*` (those with no resource
   * type, or whose resource type is optional and the request names none: DescribeStacks of all stacks).
   */
  resourceType?: string;
  /** The ARN format's variables (`BucketName`, `ObjectName`, …), or … */
  arnParts?: Record<string, string>;
  /** … an ARN the request named itself (role ARN, secret ARN), checked against the format. */
  arn?: string;
  context?: ConditionContext;
}

export interface Draft {
  operation: string;
  /** The action that decides readOnly (CopyObject: s3:PutObject; HeadObject: s3:GetObject). */
  primaryAction: string;
  authorizations: DraftAuthorization[];
  requestParameters: Record<string, unknown>;
}
