// One control plane per test file: started in beforeAll, stopped in afterAll.
import { afterAll, beforeAll } from 'vitest';
import { startControlPlane, type ControlPlane } from '../../src/cluster/control-plane.ts';
import { kubectl, type KubectlResult } from '../../src/cluster/kubectl.ts';
import { startPodIdentityWebhook, type PodIdentityWebhook } from '../../src/cluster/pod-identity-webhook.ts';

export interface ClusterFixture {
  cluster: ControlPlane;
  /** Set when started with `webhook: true`. */
  webhook?: PodIdentityWebhook;
  /** kubectl as the cluster admin. */
  kubectl(args: string[], input?: string): KubectlResult;
}

export function useCluster(options: { webhook?: boolean } = {}): ClusterFixture {
  const fixture = {} as ClusterFixture;
  beforeAll(async () => {
    fixture.cluster = await startControlPlane({ log: (line) => process.stdout.write(`${line}\n`) });
    if (options.webhook) fixture.webhook = await startPodIdentityWebhook(fixture.cluster);
    fixture.kubectl = (args, input) =>
      kubectl(fixture.cluster.binaries.kubectl, fixture.cluster.adminKubeconfig, args, { input });
  }, 600_000);
  afterAll(async () => {
    await fixture.cluster?.stop();
  }, 60_000);
  return fixture;
}

/** Parameters of the overlays as the local system fills them (no AWS account behind them). */
export const LOCAL_OVERLAY_PARAMS = {
  roleArn: 'arn:aws:iam::000000000000:role/keyless-usage-reporter',
  image: '000000000000.dkr.ecr.eu-west-1.amazonaws.com/keyless/usage-reporter:local',
  bucket: 'keyless-files-local',
  region: 'eu-west-1',
};
