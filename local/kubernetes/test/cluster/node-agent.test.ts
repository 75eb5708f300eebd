// The CronJob end to end on the control plane: a run of the CronJob (its Job template, as `kubectl
// create job --from=cronjob/…` starts one), the Job controller creating the Pod, the pod-identity
// webhook mutating it, the node agent binding it, projecting the token from a TokenRequest bound
// to the Pod and running the container with exactly the Pod spec's environment, the SDK's default
// chain exchanging the token at the STS front, and the Pod and Job ending Succeeded.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { decodeJwt } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import type { Pod } from '../../src/node-agent/pod-spec.ts';
import { startNodeAgent, type NodeAgent } from '../../src/node-agent/node-agent.ts';
import { LOCAL_OVERLAY_PARAMS } from '../support/cluster.ts';
import { applyLocalPodEnvironment } from '../support/local-pod-environment.ts';
import { useIrsaPlane } from '../support/irsa-plane.ts';
import { renderOverlay } from '../support/rendered-overlays.ts';

const plane = useIrsaPlane();
const NAMESPACE = 'keyless';
let agent: NodeAgent | undefined;
afterAll(() => agent?.stop());

async function eventually<T>(read: () => Promise<T | undefined>, attempts = 600): Promise<T> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('never got there');
}

describe('a run of the usage-reporter CronJob', () => {
  it('is created by the controllers, mutated by the webhook, run by the node agent and Succeeded', async () => {
    const admin = plane.cluster.admin;
    const manifests = renderOverlay('irsa', { ...LOCAL_OVERLAY_PARAMS, roleArn: plane.usageReporterRoleArn });
    expect(plane.kubectl(['apply', '--server-side', '-f', '-'], manifests).status).toBe(0);
    applyLocalPodEnvironment(plane, { AWS_ENDPOINT_URL_STS: plane.front.endpoint });

    const output: string[] = [];
    agent = startNodeAgent({
      client: admin,
      namespace: NAMESPACE,
      volumeRoot: join(plane.cluster.stateDir, 'pods'),
      imageCommand: (image) =>
        image === LOCAL_OVERLAY_PARAMS.image
          ? {
              command: process.execPath,
              args: [join(import.meta.dirname, '../support/caller-identity-container.ts')],
              cwd: import.meta.dirname,
            }
          : undefined,
      imageEnvironment: { PATH: process.env.PATH ?? '' },
      log: (line) => output.push(line),
    });

    expect(
      plane.kubectl(['--namespace', NAMESPACE, 'create', 'job', 'run-1', '--from=cronjob/usage-reporter'])
        .status,
    ).toBe(0);
    const pod = await eventually(async () => {
      const pods = await admin.ok<{ items: Pod[] }>(
        'GET',
        `/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=job-name%3Drun-1`,
      );
      const found = pods.items[0];
      return found?.status?.phase === 'Succeeded' || found?.status?.phase === 'Failed' ? found : undefined;
    });
    expect(pod.status?.phase, output.join('\n')).toBe('Succeeded');
    expect(pod.spec.nodeName).toBe(agent.nodeName);

    // The webhook's mutation, stored in the Pod spec.
    const container = pod.spec.containers[0];
    const env = Object.fromEntries((container?.env ?? []).map((variable) => [variable.name, variable.value]));
    expect(env.AWS_ROLE_ARN).toBe(plane.usageReporterRoleArn);
    expect(env.AWS_WEB_IDENTITY_TOKEN_FILE).toBe(`${plane.webhook?.tokenMountPath}/token`);
    expect(pod.spec.volumes?.find((volume) => volume.name === 'aws-iam-token')?.projected?.sources).toEqual([
      { serviceAccountToken: { audience: 'sts.amazonaws.com', expirationSeconds: 86400, path: 'token' } },
    ]);

    // The container saw exactly the Pod's variables (and the image's PATH), and got the role.
    const printed = output.map((line) => line.replace(/^[^:]+: /, '')).find((line) => line.startsWith('{'));
    const result = JSON.parse(printed ?? '{}') as { arn?: string; env?: string[] };
    expect(result.arn).toMatch(/:assumed-role\/[^/]*usage-reporter\//);
    expect(result.env).toEqual([...Object.keys(env), 'PATH'].sort());

    // The token came from a TokenRequest bound to this Pod.
    const claims = decodeJwt(readFileSync(env.AWS_WEB_IDENTITY_TOKEN_FILE as string, 'utf8'));
    expect(claims).toMatchObject({
      iss: plane.cluster.issuer,
      sub: 'system:serviceaccount:keyless:usage-reporter',
      'kubernetes.io': { pod: { name: pod.metadata.name, uid: pod.metadata.uid } },
    });
    expect(plane.decisions().at(-1)).toMatchObject({ decision: 'allowed', check: 'trust-policy' });

    const job = await eventually(async () => {
      const found = await admin.ok<{ status?: { succeeded?: number } }>(
        'GET',
        `/apis/batch/v1/namespaces/${NAMESPACE}/jobs/run-1`,
      );
      return found.status?.succeeded === 1 ? found : undefined;
    });
    expect(job.status?.succeeded).toBe(1);
    await agent.stop();
    agent = undefined;
  });

  it('has its projected token refreshed while it runs, as the kubelet refreshes it', async () => {
    const output: string[] = [];
    agent = startNodeAgent({
      client: plane.cluster.admin,
      namespace: NAMESPACE,
      volumeRoot: join(plane.cluster.stateDir, 'pods'),
      imageCommand: () => ({
        command: process.execPath,
        args: [join(import.meta.dirname, '../support/token-rotation-container.ts')],
        cwd: import.meta.dirname,
      }),
      imageEnvironment: { PATH: process.env.PATH ?? '' },
      log: (line) => output.push(line),
      // A refresh every ~2 s of the webhook's 86 400 s token, instead of at 80 % of it.
      refreshAt: 2 / 86_400,
    });
    expect(
      plane.kubectl(['--namespace', NAMESPACE, 'create', 'job', 'run-2', '--from=cronjob/usage-reporter'])
        .status,
    ).toBe(0);
    const pod = await eventually(async () => {
      const pods = await plane.cluster.admin.ok<{ items: Pod[] }>(
        'GET',
        `/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=job-name%3Drun-2`,
      );
      const found = pods.items[0];
      return found?.status?.phase === 'Succeeded' || found?.status?.phase === 'Failed' ? found : undefined;
    });
    expect(pod.status?.phase, output.join('\n')).toBe('Succeeded');
    const printed = output.map((line) => line.replace(/^[^:]+: /, '')).find((line) => line.startsWith('{'));
    const { iats } = JSON.parse(printed ?? '{}') as { iats: [number, number] };
    expect(iats[1]).toBeGreaterThan(iats[0]);
  });
});
