import { describe, expect, it } from 'vitest';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ModelRole } from '../src/iam/model-role.ts';
import { acknowledgeModelWildcards } from '../src/iam/model-wildcards.ts';
import { defined, synthesizedModel } from './assembly.ts';

const { model } = synthesizedModel();

describe('ModelRole', () => {
  it('cannot be widened through the IRole it hands to other constructs', () => {
    const stack = new Stack(new App(), 'Test');
    const role = new ModelRole(stack, 'Api', { definition: model.role('api') });
    const queue = new sqs.Queue(stack, 'Queue');
    queue.grantSendMessages(role.role);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.hasResourceProperties('AWS::IAM::Role', {
      Policies: [{ PolicyName: 'permissions', PolicyDocument: model.role('api').policies.permissions }],
    });
  });

  it('renders a deploy-time value into condition keys with Fn::Sub, escaping IAM policy variables', () => {
    const definition = structuredClone(model.role('diff'));
    const statement = defined(definition.assumeRolePolicy.Statement[0], 'trust statement');
    statement.Condition = { StringEquals: { 'slot.invalid:sub': '${aws:username}' } };
    const stack = new Stack(new App(), 'Test');
    const role = new ModelRole(stack, 'Diff', {
      definition,
      substitutions: { 'slot.invalid': { variable: 'Issuer', value: 'issuer.example' } },
    });
    const rendered = stack.resolve(role.resource.assumeRolePolicyDocument) as { 'Fn::Sub': [string, object] };
    const [text, variables] = rendered['Fn::Sub'];
    expect(text).toContain('"${Issuer}:sub":"${!aws:username}"');
    expect(variables).toEqual({ Issuer: 'issuer.example' });
  });

  it('refuses a substitution whose stand-in is not in the document', () => {
    const stack = new Stack(new App(), 'Test');
    expect(
      () =>
        new ModelRole(stack, 'Api', {
          definition: model.role('api'),
          substitutions: { 'missing.invalid': { variable: 'X', value: 'y' } },
        }),
    ).toThrow(/no policy of role api contains the stand-in 'missing.invalid'/);
  });
});

describe('acknowledgeModelWildcards', () => {
  it('gives every wildcard resource of the model a reason', () => {
    const all = model.roles.flatMap(acknowledgeModelWildcards);
    expect(all.length).toBe(9);
    for (const { id, reason } of all) {
      expect(id).toMatch(/^AwsSolutions-IAM5\[Resource::arn:aws:/);
      expect(reason.length).toBeGreaterThan(60);
    }
  });

  it('refuses a wildcard nobody has explained', () => {
    const definition = structuredClone(model.role('api'));
    defined(definition.policies.permissions, 'permissions policy').Statement.push({
      Effect: 'Allow',
      Action: 'dynamodb:Query',
      Resource: 'arn:aws:dynamodb:eu-west-1:111122223333:table/*',
    });
    expect(() => acknowledgeModelWildcards(definition)).toThrow(
      /wildcard resource 'arn:aws:dynamodb:eu-west-1:111122223333:table\/\*' has no documented reason/,
    );
  });
});
