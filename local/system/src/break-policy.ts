// `npm run break-policy -- <role> <Sid>`: takes one statement out of a role's permission policy in
// the running system's IAM, so the hop that needs it fails as it would on AWS (the permission gate
// reads role policies from IAM); `--restore` puts the policy back as the bootstrap made it.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GetRolePolicyCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { adminClients } from '@keyless/emulator-admin';
import type { PolicyDocument } from '@keyless/iam-policy';
import type { SystemDescription } from './start-system.ts';

const POLICY_NAME = 'permissions';

/** Where the policy as the bootstrap made it waits for `--restore`: beside the platform file. */
export const backupOf = (platformFile: string, role: string) =>
  join(dirname(platformFile), 'policy-backups', `${role}.json`);

export async function breakPolicy(
  system: SystemDescription,
  platformFile: string,
  role: string,
  sid: string,
): Promise<string> {
  const { iam } = adminClients({ endpoint: system.endpoints.aws, region: system.region });
  try {
    const { PolicyDocument: raw } = await iam.send(
      new GetRolePolicyCommand({ RoleName: role, PolicyName: POLICY_NAME }),
    );
    const policy = JSON.parse(decodeURIComponent(raw ?? '')) as PolicyDocument;
    const kept = policy.Statement.filter((statement) => statement.Sid !== sid);
    if (kept.length === policy.Statement.length) {
      const sids = policy.Statement.map((statement) => statement.Sid).join(', ');
      throw new Error(`role ${role} has no statement ${sid} (it has ${sids})`);
    }
    const backup = backupOf(platformFile, role);
    if (!existsSync(backup)) {
      await mkdir(dirname(backup), { recursive: true });
      await writeFile(backup, JSON.stringify(policy));
    }
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: role,
        PolicyName: POLICY_NAME,
        PolicyDocument: JSON.stringify({ ...policy, Statement: kept }),
      }),
    );
    return `${role} lost ${sid}; \`npm run break-policy -- ${role} --restore\` puts it back`;
  } finally {
    iam.destroy();
  }
}

export async function restorePolicy(
  system: SystemDescription,
  platformFile: string,
  role: string,
): Promise<string> {
  const backup = backupOf(platformFile, role);
  const original = await readFile(backup, 'utf8').catch(() => {
    throw new Error(`nothing to restore for ${role}: no statement of it was taken away`);
  });
  const { iam } = adminClients({ endpoint: system.endpoints.aws, region: system.region });
  try {
    await iam.send(
      new PutRolePolicyCommand({ RoleName: role, PolicyName: POLICY_NAME, PolicyDocument: original }),
    );
    await rm(backup);
    return `${role}'s policy is back as the bootstrap made it`;
  } finally {
    iam.destroy();
  }
}
