// An IAM database authentication token (what `@aws-sdk/rds-signer` and `aws rds
// generate-db-auth-token` make): a presigned `GET /?Action=connect&DBUser=<user>` for signing name
// `rds-db`. It asks for one permission, `rds-db:connect` on the `dbuser` ARN of the database (or
// proxy) that received it — whose resource id the token does not carry, so the receiver supplies it.
import type { GateRequest } from '../gate-request.ts';
import { accessDenied, invalidParameter, refuse } from './aws-errors.ts';
import type { Draft } from './types.ts';

export function resolveRdsDb(request: GateRequest, dbiResourceId: string | undefined): Draft {
  const query = new URLSearchParams(request.query);
  const action = query.get('Action');
  if (request.method.toUpperCase() !== 'GET' || action !== 'connect') {
    return refuse(
      invalidParameter(
        'rds-db',
        `An IAM database token is a GET of Action=connect, not ${action ?? 'no action'}.`,
      ),
    );
  }
  const dbUser = query.get('DBUser');
  if (!dbUser) return refuse(invalidParameter('rds-db', 'The token names no DBUser.'));
  if (dbiResourceId === undefined) {
    return refuse(
      accessDenied(
        'rds-db',
        'No database resource id is known for this endpoint, so no dbuser ARN can be decided.',
      ),
    );
  }
  return {
    operation: 'connect',
    primaryAction: 'rds-db:connect',
    authorizations: [
      {
        action: 'rds-db:connect',
        resourceType: 'db-user',
        arnParts: { DbiResourceId: dbiResourceId, DbUserName: dbUser },
      },
    ],
    requestParameters: { dbUser, dbiResourceId },
  };
}
