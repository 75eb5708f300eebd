// Every pod spec in a set of manifests, wherever its kind keeps it, so hardening checks cannot
// miss a workload added later under another kind. These are all the kinds that hold pods in the
// API groups the validator admits (validate/main.go), so no other kind can slip one in.
export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [key: string]: unknown;
};

interface PodTemplateHolder {
  spec?: { template?: { spec?: PodSpec }; jobTemplate?: { spec?: { template?: { spec?: PodSpec } } } };
}

export interface Container {
  name: string;
  image?: string;
  env?: { name: string; value?: string }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown> & { capabilities?: { drop?: string[]; add?: string[] } };
  volumeMounts?: { name: string; mountPath: string }[];
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
  securityContext?: Record<string, unknown>;
  volumes?: Record<string, unknown>[];
  [key: string]: unknown;
}

const templateKinds = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'ReplicationController',
]);

/** `{ where, spec }` for each pod spec; throws when a pod-holding kind has none where it should. */
export function podSpecsOf(manifests: Manifest[]): { where: string; spec: PodSpec }[] {
  return manifests.flatMap((manifest) => {
    const where = `${manifest.kind}/${manifest.metadata.name}`;
    const holder = manifest as PodTemplateHolder;
    let spec: PodSpec | undefined;
    if (manifest.kind === 'Pod') spec = (manifest as { spec?: PodSpec }).spec;
    else if (manifest.kind === 'CronJob') spec = holder.spec?.jobTemplate?.spec?.template?.spec;
    else if (templateKinds.has(manifest.kind)) spec = holder.spec?.template?.spec;
    else if (manifest.kind === 'PodTemplate')
      spec = (manifest as { template?: { spec?: PodSpec } }).template?.spec;
    else return [];
    if (!spec) throw new Error(`${where} has no pod spec where its kind keeps one`);
    return [{ where, spec }];
  });
}

/** Every container of a pod spec: init, regular and ephemeral. */
export function containersOf(spec: PodSpec): Container[] {
  return [...(spec.initContainers ?? []), ...spec.containers, ...(spec.ephemeralContainers ?? [])];
}
