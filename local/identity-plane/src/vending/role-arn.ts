export interface RoleArn {
  partition: string;
  accountId: string;
  /** The name without its path: `arn:aws:iam::1:role/service/api` → `api`. */
  roleName: string;
}

const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;

export function parseRoleArn(arn: string): RoleArn {
  const match = ROLE_ARN.exec(arn);
  if (!match) throw new Error(`not an IAM role ARN: ${arn}`);
  const [, partition = '', accountId = '', roleName = ''] = match;
  return { partition, accountId, roleName };
}
