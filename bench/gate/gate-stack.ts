// The parts `npm start` puts between a service and the emulator, wired as local/system's
// start-system.ts wires them (same options), on a private emulator and PostgreSQL: the ledger
// bootstrapped and migrated (as bench/worker has it), the bucket, the uploads table and every role
// of @keyless/iam-model, the identity plane's STS front, and the permission gate in front of the
// emulator writing the local trail. Started here rather than through startSystem so this process
// holds the gate's DecideDeps: run.ts decides the captured requests again with the very same ones.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createDecisionLog, startStsFront } from '@keyless/identity-plane';
import { startLedgerTestPlatform } from '@keyless/db/testing';
import { bootstrap, emulatorAccountId } from '@keyless/local-platform';
import { createLogger } from '@keyless/logging';
import { createTrailWriter, startLocalGate, trailFileFor, type GateCall } from '@keyless/permission-gate';

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
    const trail = createTrailWriter({ file: trailFileFor(join(options.scratch, 'trail'), new Date()) });
    stops.push(() => trail.close());
    const emulator = { endpoint: platform.awsEndpoint, region };
    // The gate as start-system.ts starts it (startLocalGate), its DecideDeps kept to decide again.
    const local = await startLocalGate(
      {
        emulator,
        accountId: emulatorAccountId,
        trail,
        onCall: options.onCall,
        logger: createLogger({ service: 'permission-gate', level: 'info', destination: silent }),
      },
      (onSessionIssued) =>
        startStsFront({ emulator, decisions: createDecisionLog({ destination: silent }), onSessionIssued }),
    );
    stops.push(() => local.front.close());
    stops.push(() => local.close());
    const { gate, deps, front: sts } = local;

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
