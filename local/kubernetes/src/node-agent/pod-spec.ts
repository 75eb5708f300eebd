// The parts of a stored Pod the node agent acts on, and what it can and cannot honour without a
// container runtime: one container, literal environment values, projected service-account token
// volumes, emptyDirs. Anything else fails the Pod with the reason, as a kubelet fails a Pod it
// cannot run.
export interface PodEnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}

export interface ServiceAccountTokenProjection {
  audience?: string;
  expirationSeconds?: number;
  path: string;
}

export interface PodVolume {
  name: string;
  projected?: { sources: Array<{ serviceAccountToken?: ServiceAccountTokenProjection }> };
  emptyDir?: unknown;
}

export interface PodContainer {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: PodEnvVar[];
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}

export interface Pod {
  metadata: { name: string; namespace: string; uid: string; labels?: Record<string, string> };
  spec: {
    nodeName?: string;
    serviceAccountName?: string;
    containers: PodContainer[];
    initContainers?: PodContainer[];
    volumes?: PodVolume[];
  };
  status?: { phase?: string };
}

/** A projected token to write: where, for which audience, for how long. */
export interface TokenToProject {
  file: string;
  audience?: string;
  expirationSeconds: number;
}

export interface RunnablePod {
  container: PodContainer;
  env: Record<string, string>;
  tokens: TokenToProject[];
}

/** The kubelet's default (and the API server's minimum is 600 s). */
const DEFAULT_TOKEN_SECONDS = 3600;

/**
 * What the agent runs for a Pod, or the reason it cannot. Token files must fall under `volumeRoot`
 * (the directory the webhook was told to mount tokens in): the agent never writes elsewhere.
 */
export function runnablePod(pod: Pod, volumeRoot: string): RunnablePod | { refused: string } {
  const { containers, initContainers = [], volumes = [] } = pod.spec;
  if (containers.length !== 1 || initContainers.length > 0) {
    return { refused: 'the node agent runs Pods of exactly one container and no init containers' };
  }
  const container = containers[0] as PodContainer;
  const env: Record<string, string> = {};
  for (const variable of container.env ?? []) {
    if (variable.valueFrom !== undefined) {
      return { refused: `env ${variable.name}: the node agent resolves literal values only, not valueFrom` };
    }
    env[variable.name] = variable.value ?? '';
  }
  const tokens: TokenToProject[] = [];
  for (const mount of container.volumeMounts ?? []) {
    const volume = volumes.find((candidate) => candidate.name === mount.name);
    if (!volume) return { refused: `volumeMount ${mount.name} names no volume` };
    if (volume.emptyDir !== undefined) continue; // a scratch directory: the process has its own /tmp
    const sources = volume.projected?.sources ?? [];
    if (!volume.projected || sources.some((source) => !source.serviceAccountToken)) {
      return { refused: `volume ${volume.name}: the node agent projects service-account tokens only` };
    }
    const root = volumeRoot.replace(/\/$/, '');
    if (mount.mountPath !== root && !mount.mountPath.startsWith(`${root}/`)) {
      return { refused: `volume ${volume.name} is mounted at ${mount.mountPath}, outside ${root}` };
    }
    for (const { serviceAccountToken } of sources) {
      const projection = serviceAccountToken as ServiceAccountTokenProjection;
      if (projection.path.split('/').includes('..')) return { refused: `token path ${projection.path}` };
      tokens.push({
        file: `${mount.mountPath}/${projection.path}`,
        audience: projection.audience,
        expirationSeconds: projection.expirationSeconds ?? DEFAULT_TOKEN_SECONDS,
      });
    }
  }
  return { container, env, tokens };
}
