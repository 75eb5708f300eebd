// A stand-in for the kubelet and the container runtime, with the kubelet's side of the contract and
// nothing more: it binds each Pending Pod to its node (the scheduler's one decision, with one
// node), writes the projected service-account tokens the Pod asks for from TokenRequests bound to
// that Pod (refreshed at 80 % of their lifetime, as the kubelet does), starts the Pod's one
// container as a local process with exactly the Pod spec's environment, and reports the phase and
// exit code in the Pod's status. Images are not pulled: each image maps to a local command.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { spawnOwned, stopOwned } from '@keyless/owned-process';
import type { KubeClient } from '../cluster/kube-client.ts';
import { requestToken } from '../cluster/token-request.ts';
import { runnablePod, type Pod, type RunnablePod, type TokenToProject } from './pod-spec.ts';

export interface LocalCommand {
  command: string;
  args: string[];
  cwd: string;
}

export interface NodeAgentOptions {
  /** The agent's credentials; a kubelet has the node's, here the cluster admin's. */
  client: KubeClient;
  nodeName?: string;
  namespace: string;
  /** The directory the pod-identity webhook mounts tokens under (its --token-mount-path). */
  volumeRoot: string;
  /** How an image runs here, or undefined when the agent does not know it. */
  imageCommand(image: string): LocalCommand | undefined;
  /** The process's own environment besides the Pod's: what an image's ENV would give (PATH). */
  imageEnvironment?: Record<string, string>;
  /** Each line the container prints, and the agent's own events. */
  log?: (line: string) => void;
  /** Fraction of a token's lifetime after which it is refreshed (the kubelet's 0.8). */
  refreshAt?: number;
  pollMs?: number;
}

export interface NodeAgent {
  nodeName: string;
  stop(): Promise<void>;
}

interface Running {
  child: ChildProcess;
  timers: NodeJS.Timeout[];
}

function writeAtomically(file: string, content: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, content, { mode: 0o600 });
  renameSync(temporary, file);
}

export function startNodeAgent(options: NodeAgentOptions): NodeAgent {
  const { client, namespace } = options;
  const nodeName = options.nodeName ?? 'local-node';
  const log = options.log ?? (() => {});
  const refreshAt = options.refreshAt ?? 0.8;
  const running = new Map<string, Running>();
  const seen = new Set<string>();
  let stopped = false;
  const podPath = (pod: Pod) => `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`;

  const patchStatus = (pod: Pod, status: Record<string, unknown>) =>
    client.ok('PATCH', `${podPath(pod)}/status`, JSON.stringify({ status }), 'application/merge-patch+json');

  async function fail(pod: Pod, reason: string, message: string): Promise<void> {
    log(`node-agent: pod ${pod.metadata.name} failed: ${message}`);
    await patchStatus(pod, { phase: 'Failed', reason, message });
  }

  async function project(pod: Pod, token: TokenToProject): Promise<void> {
    const issued = await requestToken(client, {
      namespace: pod.metadata.namespace,
      serviceAccount: pod.spec.serviceAccountName ?? 'default',
      audiences: token.audience ? [token.audience] : undefined,
      expirationSeconds: token.expirationSeconds,
      boundPod: { name: pod.metadata.name, uid: pod.metadata.uid },
    });
    writeAtomically(token.file, issued.token);
  }

  async function run(pod: Pod, runnable: RunnablePod): Promise<void> {
    const { container, env, tokens } = runnable;
    const local = options.imageCommand(container.image);
    if (!local) return fail(pod, 'ErrImagePull', `image ${container.image} is not known to the node agent`);
    for (const token of tokens) await project(pod, token);
    const timers = tokens.map((token) =>
      setInterval(
        () =>
          void project(pod, token).catch((error: Error) =>
            log(`node-agent: token refresh: ${error.message}`),
          ),
        token.expirationSeconds * refreshAt * 1000,
      ),
    );
    const startedAt = new Date().toISOString();
    const child = spawnOwned(
      local.command,
      [...local.args, ...(container.command ?? []), ...(container.args ?? [])],
      {
        cwd: local.cwd,
        env: { ...options.imageEnvironment, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    running.set(pod.metadata.uid, { child, timers });
    for (const stream of [child.stdout, child.stderr]) {
      let partial = '';
      stream?.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) log(`${pod.metadata.name}: ${line}`);
      });
    }
    const containerStatus = {
      name: container.name,
      image: container.image,
      imageID: `local://${container.image}`,
    };
    await patchStatus(pod, {
      phase: 'Running',
      startTime: startedAt,
      containerStatuses: [
        {
          ...containerStatus,
          ready: true,
          started: true,
          restartCount: 0,
          state: { running: { startedAt } },
        },
      ],
    });
    log(`node-agent: pod ${pod.metadata.name} running (${local.command} ${local.args.join(' ')})`);
    child.once('exit', (code, signal) => {
      for (const timer of timers) clearInterval(timer);
      running.delete(pod.metadata.uid);
      const exitCode = code ?? (signal === 'SIGKILL' ? 137 : 143);
      log(`node-agent: pod ${pod.metadata.name} exited ${exitCode}`);
      void patchStatus(pod, {
        phase: exitCode === 0 ? 'Succeeded' : 'Failed',
        containerStatuses: [
          {
            ...containerStatus,
            ready: false,
            started: false,
            restartCount: 0,
            state: {
              terminated: {
                exitCode,
                reason: exitCode === 0 ? 'Completed' : 'Error',
                startedAt,
                finishedAt: new Date().toISOString(),
              },
            },
          },
        ],
      }).catch((error: Error) => log(`node-agent: status of ${pod.metadata.name}: ${error.message}`));
    });
  }

  async function admit(pod: Pod): Promise<void> {
    await client.ok('POST', `${podPath(pod)}/binding`, {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: pod.metadata.name },
      target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
    });
    log(`node-agent: bound pod ${pod.metadata.name} to ${nodeName}`);
    const runnable = runnablePod(pod, options.volumeRoot);
    if ('refused' in runnable) return fail(pod, 'NodeAgentUnsupported', runnable.refused);
    return run(pod, runnable);
  }

  async function poll(): Promise<void> {
    const pending = await client.ok<{ items: Pod[] }>(
      'GET',
      `/api/v1/namespaces/${namespace}/pods?fieldSelector=${encodeURIComponent('spec.nodeName=,status.phase=Pending')}`,
    );
    for (const pod of pending.items) {
      if (seen.has(pod.metadata.uid)) continue;
      seen.add(pod.metadata.uid);
      await admit(pod).catch((error: Error) => log(`node-agent: pod ${pod.metadata.name}: ${error.message}`));
    }
  }

  const loop = (async () => {
    while (!stopped) {
      await poll().catch((error: Error) => log(`node-agent: ${error.message}`));
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
    }
  })();

  return {
    nodeName,
    async stop() {
      stopped = true;
      await loop;
      await Promise.all(
        [...running.values()].map(async ({ child, timers }) => {
          for (const timer of timers) clearInterval(timer);
          await stopOwned(child, 5_000);
        }),
      );
    },
  };
}
