import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';

export const POSTGRES_PORT = 5432;

/**
 * Lets `client` reach the ledger database. The rule is created in the client's stack (on an
 * imported reference to the database's security group), so the data stack never depends on the
 * stacks that use it.
 */
export function admitToDatabase(
  scope: Construct,
  id: string,
  databaseSecurityGroupId: string,
  client: ec2.ISecurityGroup,
  description: string,
): void {
  const database = ec2.SecurityGroup.fromSecurityGroupId(scope, id, databaseSecurityGroupId, {
    allowAllOutbound: false,
  });
  database.addIngressRule(client, ec2.Port.tcp(POSTGRES_PORT), description);
  client.addEgressRule(database, ec2.Port.tcp(POSTGRES_PORT), description);
}
