// The rendered overlays: valid for the cluster's Kubernetes version, hardened on every pod spec,
// carrying the CDK app's outputs, and agreeing with the reporter's configuration and image.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseConfig } from '@keyless/config';
import { usageReporterConfigSchema } from '@keyless/usage-reporter';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { k8sRoot } from '../src/paths.ts';
import { validatedKubernetesVersion } from '../src/validate-manifests.ts';
import {
  containersOf,
  podSpecsOf,
  type Container,
  type Manifest,
  type PodSpec,
} from './support/pod-specs.ts';
import {
  deployedValues,
  OVERLAYS,
  renderOverlays,
  stackOutputs,
  type RenderedOverlays,
} from './support/rendered-overlays.ts';

const repoRoot = resolve(k8sRoot, '../..');
let rendered: RenderedOverlays;

beforeAll(() => {
  rendered = renderOverlays();
});
afterAll(() => rendered?.remove());

const find = (overlay: (typeof OVERLAYS)[number], kind: string, name: string) => {
  const manifest = rendered.manifests[overlay].find((m) => m.kind === kind && m.metadata.name === name);
  if (!manifest) throw new Error(`${overlay} renders no ${kind}/${name}`);
  return manifest;
};
const reporterContainer = (overlay: (typeof OVERLAYS)[number]): Container => {
  const [pod] = podSpecsOf([find(overlay, 'CronJob', 'usage-reporter')]);
  const container = pod?.spec.containers.find((c) => c.name === 'usage-reporter');
  if (!container) throw new Error('no usage-reporter container');
  return container;
};

test(`validated against the Kubernetes version the CDK app deploys (${validatedKubernetesVersion()})`, () => {
  expect(stackOutputs('keyless-eks').KubernetesVersion?.Value).toBe(validatedKubernetesVersion());
});

describe.each(OVERLAYS)('overlays/%s', (overlay) => {
  test('renders and validates: every document decodes strictly into the API types', () => {
    expect(rendered.summaries[overlay]).toContain(`overlays/${overlay}: 4 documents valid`);
    expect(rendered.manifests[overlay].map((m) => `${m.apiVersion} ${m.kind}/${m.metadata.name}`)).toEqual([
      'v1 Namespace/keyless',
      'v1 ServiceAccount/usage-reporter',
      'batch/v1 CronJob/usage-reporter',
      'networking.k8s.io/v1 NetworkPolicy/usage-reporter',
    ]);
    expect(
      rendered.manifests[overlay]
        .filter((m) => m.kind !== 'Namespace')
        .every((m) => m.metadata.namespace === 'keyless'),
    ).toBe(true);
  });

  test('every value from the CDK outputs is filled in; the parameter ConfigMap itself is not applied', () => {
    expect(rendered.yaml[overlay]).not.toContain('from-params');
    expect(rendered.manifests[overlay].some((m) => m.kind === 'ConfigMap')).toBe(false);
    const container = reporterContainer(overlay);
    expect(container.image).toBe(`${deployedValues.repositoryUri}:${deployedValues.imageTag}`);
    const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
    expect(env).toMatchObject({
      FILES_BUCKET: deployedValues.filesBucket,
      AWS_REGION: 'eu-west-1',
      LEDGER_PROXY_HOST: deployedValues.ledgerProxyHost,
    });
  });

  test("the CronJob's environment is a valid reporter configuration", () => {
    const env = Object.fromEntries(
      (reporterContainer(overlay).env ?? []).map((e) => [e.name, e.value ?? '']),
    );
    const config = parseConfig(usageReporterConfigSchema, env);
    expect(config).toMatchObject({
      LEDGER_PROXY_HOST: deployedValues.ledgerProxyHost,
      LEDGER_PROXY_PORT: 5432,
      LEDGER_DB_USER: 'ledger_reader',
      DB_SSL_MODE: 'verify-full',
      DEPLOY_ENV: 'prod',
    });
    // A stopped pod exits by itself before the kubelet's SIGKILL.
    const [pod] = podSpecsOf([find(overlay, 'CronJob', 'usage-reporter')]);
    expect(config.STOP_TIMEOUT_SECONDS).toBeLessThan(Number(pod?.spec.terminationGracePeriodSeconds));
    // The CA bundle every image carries (infra/images/Dockerfile).
    const dockerfile = readFileSync(join(repoRoot, 'infra/images/Dockerfile'), 'utf8');
    expect(dockerfile).toContain(` ${env.DB_SSL_CA_FILE}\n`);
  });

  test('the names the deploy workflow rolls exist: cronjob/usage-reporter, container usage-reporter, namespace keyless', () => {
    const workflow = readFileSync(join(repoRoot, '.github/workflows/deploy.yml'), 'utf8');
    expect(workflow).toMatch(
      /kubectl --namespace keyless set image cronjob\/usage-reporter\s*\\?\s*"usage-reporter=/,
    );
    expect(find(overlay, 'CronJob', 'usage-reporter').metadata.namespace).toBe('keyless');
    expect(reporterContainer(overlay).name).toBe('usage-reporter');
  });

  test('CronJob: never two runs at once, bounded retries and run time', () => {
    const cronJob = find(overlay, 'CronJob', 'usage-reporter') as Manifest & {
      spec: { concurrencyPolicy: string; jobTemplate: { spec: Record<string, unknown> } };
    };
    expect(cronJob.spec.concurrencyPolicy).toBe('Forbid');
    expect(cronJob.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 3, activeDeadlineSeconds: 900 });
  });

  test('the namespace enforces the "restricted" Pod Security Standard', () => {
    expect(find(overlay, 'Namespace', 'keyless').metadata).toMatchObject({
      labels: { 'pod-security.kubernetes.io/enforce': 'restricted' },
    });
  });
});

describe.each(OVERLAYS)('hardening of every pod spec in overlays/%s', (overlay) => {
  const pods = () => podSpecsOf(rendered.manifests[overlay]);
  const eachPod = (check: (spec: PodSpec, where: string) => void) => {
    expect(pods().length).toBeGreaterThan(0);
    for (const { spec, where } of pods()) check(spec, where);
  };
  const eachContainer = (check: (container: Container, pod: PodSpec, where: string) => void) =>
    eachPod((spec, where) => {
      for (const container of containersOf(spec))
        check(container, spec, `${where} container ${container.name}`);
    });

  test('no Kubernetes API token: automountServiceAccountToken is false (IRSA/Pod Identity project their own)', () => {
    eachPod((spec, where) => expect(spec.automountServiceAccountToken, where).toBe(false));
    const serviceAccounts = rendered.manifests[overlay].filter((m) => m.kind === 'ServiceAccount');
    for (const account of serviceAccounts)
      expect((account as { automountServiceAccountToken?: boolean }).automountServiceAccountToken).toBe(
        false,
      );
  });

  test('no host namespaces, no host paths', () => {
    eachPod((spec, where) => {
      for (const field of ['hostNetwork', 'hostPID', 'hostIPC', 'hostUsers'])
        expect(spec[field], `${where} ${field}`).not.toBe(true);
      for (const volume of spec.volumes ?? []) expect(Object.keys(volume), where).not.toContain('hostPath');
    });
  });

  test('runs as non-root with the RuntimeDefault seccomp profile', () => {
    eachContainer((container, pod, where) => {
      const runAsNonRoot = container.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
      expect(runAsNonRoot, where).toBe(true);
      expect(container.securityContext?.runAsUser ?? pod.securityContext?.runAsUser, where).not.toBe(0);
      const seccomp = (container.securityContext?.seccompProfile ?? pod.securityContext?.seccompProfile) as
        { type?: string } | undefined;
      expect(seccomp?.type, where).toBe('RuntimeDefault');
    });
  });

  test('read-only root filesystem, no privilege escalation, not privileged, all capabilities dropped and none added', () => {
    eachContainer((container, _pod, where) => {
      const context = container.securityContext ?? {};
      expect(context.readOnlyRootFilesystem, where).toBe(true);
      expect(context.allowPrivilegeEscalation, where).toBe(false);
      expect(context.privileged, where).not.toBe(true);
      expect(context.capabilities?.drop, where).toEqual(['ALL']);
      expect(context.capabilities?.add ?? [], where).toEqual([]);
    });
  });

  test('CPU and memory requests and limits on every container', () => {
    eachContainer((container, _pod, where) => {
      for (const kind of ['requests', 'limits'] as const) {
        expect(Object.keys(container.resources?.[kind] ?? {}), `${where} ${kind}`).toEqual(
          expect.arrayContaining(['cpu', 'memory']),
        );
      }
    });
  });

  test('the only writable path is a size-limited emptyDir at /tmp', () => {
    eachContainer((container, pod, where) => {
      expect(container.volumeMounts, where).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
      expect(pod.volumes, where).toEqual([
        { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } },
      ]);
    });
  });
});

describe('the role each overlay gives the pod', () => {
  test('irsa: the service account is annotated with the role ARN from the CDK outputs', () => {
    expect(find('irsa', 'ServiceAccount', 'usage-reporter').metadata).toMatchObject({
      annotations: { 'eks.amazonaws.com/role-arn': deployedValues.roleArn },
    });
  });

  test('pod-identity: no annotation (the CDK pod identity association binds the role)', () => {
    const metadata = find('pod-identity', 'ServiceAccount', 'usage-reporter').metadata as {
      annotations?: object;
    };
    expect(metadata.annotations).toBeUndefined();
  });
});

describe('network policy: egress only to DNS, PostgreSQL and HTTPS; no ingress', () => {
  type Peer = Record<string, unknown>;
  type Rule = { to?: Peer[]; ports?: { protocol: string; port: number }[] };
  const policy = (overlay: (typeof OVERLAYS)[number]) =>
    find(overlay, 'NetworkPolicy', 'usage-reporter') as Manifest & {
      spec: {
        podSelector: { matchLabels: Record<string, string> };
        policyTypes: string[];
        ingress: unknown[];
        egress: Rule[];
      };
    };
  const dns: Rule = {
    to: [
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
        podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
      },
    ],
    ports: [
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ],
  };
  const postgres: Rule = { ports: [{ protocol: 'TCP', port: 5432 }] };
  const https: Rule = { ports: [{ protocol: 'TCP', port: 443 }] };

  test.each(OVERLAYS)('%s: selects the reporter pods and denies all ingress', (overlay) => {
    const { spec } = policy(overlay);
    expect(spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(spec.ingress).toEqual([]);
    const cronJob = find(overlay, 'CronJob', 'usage-reporter') as Manifest & {
      spec: { jobTemplate: { spec: { template: { metadata: { labels: Record<string, string> } } } } };
    };
    expect(cronJob.spec.jobTemplate.spec.template.metadata.labels).toMatchObject(
      spec.podSelector.matchLabels,
    );
  });

  test('irsa: exactly DNS, 5432 and 443', () => {
    expect(policy('irsa').spec.egress).toEqual([dns, postgres, https]);
  });

  test('pod-identity: those, plus the node-local Pod Identity agent it cannot work without', () => {
    expect(policy('pod-identity').spec.egress).toEqual([
      dns,
      postgres,
      https,
      {
        to: [{ ipBlock: { cidr: '169.254.170.23/32' } }, { ipBlock: { cidr: 'fd00:ec2::23/128' } }],
        ports: [{ protocol: 'TCP', port: 80 }],
      },
    ]);
  });
});
