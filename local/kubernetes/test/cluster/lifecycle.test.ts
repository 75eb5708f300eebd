// The control plane's processes never outlive their owner: stop() ends them in order (webhook,
// controller manager, API server, etcd) and leaves nothing; an owner SIGKILLed without stopping
// leaves nothing either (its watchdog stops every group and deletes the run's directory).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { stillRunning, waitUntilGone } from '@keyless/owned-process/process-tree';
import { describe, expect, it } from 'vitest';
import { startControlPlane } from '../../src/cluster/control-plane.ts';
import { startPodIdentityWebhook } from '../../src/cluster/pod-identity-webhook.ts';

describe('the control plane\u2019s processes', () => {
  it('are stopped in the reverse order of start, and none is left', async () => {
    const cluster = await startControlPlane();
    await startPodIdentityWebhook(cluster);
    const components = [...cluster.components];
    expect(components.map((component) => component.name)).toEqual([
      'etcd',
      'kube-apiserver',
      'kube-controller-manager',
      'pod-identity-webhook',
    ]);
    const exits: string[] = [];
    for (const component of components) component.process.once('exit', () => exits.push(component.name));
    await cluster.stop();
    expect(exits).toEqual(['pod-identity-webhook', 'kube-controller-manager', 'kube-apiserver', 'etcd']);
    expect(stillRunning(components.map((component) => component.process.pid as number))).toEqual([]);
    expect(existsSync(cluster.stateDir)).toBe(false);
  });

  it('do not outlive an owner killed with SIGKILL', async () => {
    const owner = spawn(process.execPath, [join(import.meta.dirname, '../fixtures/cluster-owner.ts')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const first = await new Promise<string>((resolve) =>
      createInterface({ input: owner.stdout }).once('line', resolve),
    );
    const { pids, stateDir } = JSON.parse(first) as { pids: number[]; stateDir: string };
    expect(stillRunning(pids)).toHaveLength(4);
    owner.kill('SIGKILL');
    expect(await waitUntilGone(pids, 30_000)).toEqual([]);
    for (let attempt = 0; attempt < 100 && existsSync(stateDir); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(existsSync(stateDir)).toBe(false);
  });
});
