// STS (query protocol: `Action=<Op>` in a form body). GetCallerIdentity needs no permission on
// AWS (a Deny cannot stop it), so it resolves to no authorizations. AssumeRole is authorized on
// the role ARN; passing tags adds sts:TagSession, passing a source identity sts:SetSourceIdentity,
// as AWS requires. The trust policy side is the STS front's, not this.
import type { GateRequest } from '../gate-request.ts';
import { invalidParameter, refuse, unmappedOperation } from './aws-errors.ts';
import { formFields, lowerFirst, memberList, memberPairs } from './request-body.ts';
import type { ConditionContext, Draft, DraftAuthorization } from './types.ts';

/** MFA codes are credentials: the trail does not keep them. */
const OMITTED = new Set(['Action', 'Version', 'TokenCode']);

export function resolveSts(request: GateRequest): Draft {
  const fields = formFields(request);
  const operation = fields.get('Action');
  if (!operation) return refuse(invalidParameter('sts', 'The request has no Action.'));
  const requestParameters: Record<string, unknown> = {};
  for (const [name, value] of fields) {
    if (!OMITTED.has(name) && !/^X-Amz-/i.test(name)) requestParameters[lowerFirst(name)] = value;
  }

  if (operation === 'GetCallerIdentity') {
    return { operation, primaryAction: 'sts:GetCallerIdentity', authorizations: [], requestParameters };
  }
  if (operation !== 'AssumeRole') return refuse(unmappedOperation('sts', operation));

  const roleArn = fields.get('RoleArn');
  const sessionName = fields.get('RoleSessionName');
  if (!roleArn || !sessionName) {
    return refuse(invalidParameter('sts', 'AssumeRole must give RoleArn and RoleSessionName.'));
  }
  const tags = memberPairs(fields, 'Tags');
  const transitive = memberList(fields, 'TransitiveTagKeys');
  const tagContext: ConditionContext = {};
  for (const { key, value } of tags) tagContext[`aws:RequestTag/${key}`] = value;
  if (tags.length > 0) tagContext['aws:TagKeys'] = tags.map(({ key }) => key);
  if (transitive.length > 0) tagContext['sts:TransitiveTagKeys'] = transitive;

  const assume: ConditionContext = { 'sts:RoleSessionName': sessionName, ...tagContext };
  const externalId = fields.get('ExternalId');
  const sourceIdentity = fields.get('SourceIdentity');
  if (externalId !== undefined) assume['sts:ExternalId'] = externalId;
  if (sourceIdentity !== undefined) assume['sts:SourceIdentity'] = sourceIdentity;

  const on = (action: string, context: ConditionContext): DraftAuthorization => ({
    action,
    resourceType: 'role',
    arn: roleArn,
    context,
  });
  const authorizations = [on('sts:AssumeRole', assume)];
  if (tags.length > 0) authorizations.push(on('sts:TagSession', tagContext));
  if (sourceIdentity !== undefined) {
    authorizations.push(on('sts:SetSourceIdentity', { 'sts:SourceIdentity': sourceIdentity }));
  }
  requestParameters.tags = tags;
  return { operation, primaryAction: 'sts:AssumeRole', authorizations, requestParameters };
}
