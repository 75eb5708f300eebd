// The parts `npm start` puts between a service and the emulator, wired as local/system's
// start-system.ts wires them (same options), on a private emulator and PostgreSQL: the ledger
// bootstrapped and migrated (as bench/worker has it), the bucket, the uploads table and every role
// of @keyless/iam-model, the identity plane's STS front, and the permission gate in front of the
// emulator writing the local trail. Started here rather than through startSystem so this process
// holds the gate's DecideDeps: run.ts decides the captured requests again with the very same ones.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createDecisionLog, startStsFront, type StsFront } from '@keyless/identity-plane';
import { startLedgerTestPlatform } from '@keyless/db/testing';
import {
  adminClients,
  bootstrap,
  emulatorAccountId,
  emulatorAdminCredentials,
} from '@keyless/local-platform';
import { createLogger } from '@keyless/logging';
import {
  createIssuedSessions,
  createTrailWriter,
  gateCallRecord,
  resourceNamesFromEmulator,
  rolePoliciesFromIam,
  startPermissionGate,
  trailFileFor,
  type DecideDeps,
  type GateCall,
  type PermissionGate,
} from '@keyless/permission-gate';

export type RoleName = 'api' | 'ledger-worker';

export interface TaskCredentials {
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
  AWS_SESSION_TOKEN: string;
}

export async function startGateStack(options: { scratch: string; onCall: (call: GateCall) => void }) {
  const ledger = await startLedgerTestPlatform();
  const stops: (() => Promise<unknown>)[] = [() => ledger.stop()];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch(() => undefined);
  };
  try {
    const { platform, resources } = ledger;
    const region = platform.region;
    const { names } = resources;
    const { roles } = await bootstrap({
      parts: ['bucket', 'uploads-table', 'roles'],
      clients: ledger.admin,
      region,
      accountId: emulatorAccountId,
      names,
      eksOidcIssuer: '127.0.0.1:1/eks',
      githubOidcIssuer: '127.0.0.1:1/github',
      github: { owner: 'octo-org', repo: 'keyless' },
    });

    const silent = { write: () => undefined };
    const sessions = createIssuedSessions();
    sessions.recordRoot(emulatorAdminCredentials, emulatorAccountId);
    const trail = createTrailWriter({ file: trailFileFor(join(options.scratch, 'trail'), new Date()) });
    stops.push(() => trail.close());
    const sts: StsFront = await startStsFront({
      emulator: { endpoint: platform.awsEndpoint, region },
      decisions: createDecisionLog({ destination: silent }),
      onSessionIssued: sessions.recordRoleSession,
    });
    stops.push(() => sts.close());
    const gateAdmin = adminClients({ endpoint: platform.awsEndpoint, region });
    stops.push(async () => Object.values(gateAdmin).forEach((client) => client.destroy()));
    // What start-system.ts gives the gate, option for option.
    const deps: DecideDeps = {
      sessions,
      roles: rolePoliciesFromIam(gateAdmin.iam, { cacheMs: 1_000 }),
      names: resourceNamesFromEmulator(gateAdmin),
      region,
      accountId: emulatorAccountId,
    };
    const gate: PermissionGate = await startPermissionGate({
      ...deps,
      emulator: platform.awsEndpoint,
      stsFront: sts.endpoint,
      assumeRoleAsCaller: sts.assumeRoleAsCaller,
      onCall: (call) => {
        trail.append(gateCallRecord(call, region));
        options.onCall(call);
      },
      logger: createLogger({ service: 'permission-gate', level: 'info', destination: silent }),
    });
    stops.push(() => gate.close());

    /** What the ECS credentials endpoint vends a task of this role (the STS front checks the trust). */
    const taskCredentials = async (role: RoleName): Promise<TaskCredentials> => {
      const taskId = randomUUID().replaceAll('-', '');
      const credentials = await sts.issueServiceCredentials({
        service: 'ecs-tasks.amazonaws.com',
        roleArn: roles[role] ?? '',
        sessionName: taskId,
        sourceAccount: emulatorAccountId,
        sourceArn: `arn:aws:ecs:${region}:${emulatorAccountId}:task/keyless/${taskId}`,
      });
      return {
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        AWS_SESSION_TOKEN: credentials.sessionToken,
      };
    };

    return { ledger, names, deps, gate, emulator: platform.awsEndpoint, region, taskCredentials, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A URL of the emulator on the gate's origin (the SQS client sends a call to its QueueUrl's host). */
export const onOrigin = (url: string, origin: string) => new URL(new URL(url).pathname, origin).toString();
