// What infra/k8s/README.md claims of the manifests, tried against a real API server: both overlays
// are accepted by server-side apply, Pod Security Admission refuses a Pod that is not hardened in
// the `restricted` namespace, admits a CronJob holding such a Pod with a warning and then refuses
// its Pods when the Job controller creates them, and the deploy sequence (apply, `set image`,
// re-apply) works as the README says.
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { renderOverlay } from '../support/rendered-overlays.ts';
import { LOCAL_OVERLAY_PARAMS, useCluster } from '../support/cluster.ts';

const NAMESPACE = 'keyless';
const manifests = {
  irsa: renderOverlay('irsa', LOCAL_OVERLAY_PARAMS),
  'pod-identity': renderOverlay('pod-identity', LOCAL_OVERLAY_PARAMS),
};

/** A pod spec with none of the restricted profile's fields. */
const unhardenedPodSpec = {
  serviceAccountName: 'usage-reporter',
  restartPolicy: 'Never',
  containers: [{ name: 'shell', image: 'busybox:1.37', command: ['true'] }],
};

const cronJobImage = () => {
  const fixtureImage = fixture.kubectl([
    '--namespace',
    NAMESPACE,
    'get',
    'cronjob/usage-reporter',
    '-o',
    'jsonpath={.spec.jobTemplate.spec.template.spec.containers[0].image}',
  ]);
  expect(fixtureImage.stderr).toBe('');
  return fixtureImage.stdout;
};

const fixture = useCluster();

describe('the manifests on a real API server', () => {
  it.each(['irsa', 'pod-identity'] as const)('accepts the %s overlay by server-side apply', (overlay) => {
    const applied = fixture.kubectl(['apply', '--server-side', '-f', '-'], manifests[overlay]);
    expect(applied.stderr).toBe('');
    const kinds = parseAllDocuments(manifests[overlay]).map((doc) => doc.get('kind'));
    expect(applied.stdout.trim().split('\n')).toHaveLength(kinds.length);
    const annotation = fixture.kubectl([
      '--namespace',
      NAMESPACE,
      'get',
      'serviceaccount/usage-reporter',
      '-o',
      'jsonpath={.metadata.annotations.eks\\.amazonaws\\.com/role-arn}',
    ]);
    // The pod-identity overlay, applied by the same manager over irsa, takes the annotation away.
    expect(annotation.stdout).toBe(overlay === 'irsa' ? LOCAL_OVERLAY_PARAMS.roleArn : '');
  });

  it('refuses a Pod that is not hardened, with Pod Security\u2019s reasons', async () => {
    const created = await fixture.cluster.admin.call('POST', `/api/v1/namespaces/${NAMESPACE}/pods`, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'not-hardened' },
      spec: unhardenedPodSpec,
    });
    expect(created.status).toBe(403);
    const message = (created.body as { message: string }).message;
    expect(message).toContain('violates PodSecurity "restricted:latest"');
    expect(message).toContain('allowPrivilegeEscalation != false');
    expect(message).toContain('runAsNonRoot != true');
    expect(message).toContain('seccompProfile');
  });

  it('admits a CronJob whose pods are not hardened with a warning, then refuses the Pods its Job creates', async () => {
    const cronJob = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'not-hardened' },
      spec: {
        schedule: '0 0 1 1 *',
        jobTemplate: { spec: { backoffLimit: 0, template: { spec: unhardenedPodSpec } } },
      },
    };
    const created = await fixture.cluster.admin.call(
      'POST',
      `/apis/batch/v1/namespaces/${NAMESPACE}/cronjobs`,
      cronJob,
    );
    expect(created.status).toBe(201);
    expect(created.warnings.join('\n')).toContain('would violate PodSecurity "restricted:latest"');

    // A run now, as `kubectl create job --from=cronjob/…` starts one; the Job controller then
    // creates its Pod, and that is where Pod Security refuses.
    const job = fixture.kubectl([
      '--namespace',
      NAMESPACE,
      'create',
      'job',
      'not-hardened-now',
      '--from=cronjob/not-hardened',
    ]);
    expect(job.stdout).toContain('created');
    const refusal = await eventually(() => {
      const events = fixture.kubectl([
        '--namespace',
        NAMESPACE,
        'get',
        'events',
        '--field-selector',
        'involvedObject.kind=Job,involvedObject.name=not-hardened-now,reason=FailedCreate',
        '-o',
        'jsonpath={.items[*].message}',
      ]);
      return events.stdout || undefined;
    });
    expect(refusal).toContain('violates PodSecurity "restricted:latest"');
    const pods = fixture.kubectl([
      '--namespace',
      NAMESPACE,
      'get',
      'pods',
      '-l',
      'job-name=not-hardened-now',
      '-o',
      'name',
    ]);
    expect(pods.stdout).toBe('');
  });
});

describe('the deploy sequence: apply, set image, re-apply', () => {
  const rolled = '000000000000.dkr.ecr.eu-west-1.amazonaws.com/keyless/usage-reporter:rolled';

  it('needs --force-conflicts to re-apply after `kubectl set image`, as infra/k8s/README.md says', () => {
    expect(fixture.kubectl(['apply', '--server-side', '-f', '-'], manifests.irsa).status).toBe(0);
    expect(cronJobImage()).toBe(LOCAL_OVERLAY_PARAMS.image);

    // The deploy workflow's step (.github/workflows/deploy.yml).
    const setImage = fixture.kubectl([
      '--namespace',
      NAMESPACE,
      'set',
      'image',
      'cronjob/usage-reporter',
      `usage-reporter=${rolled}`,
    ]);
    expect(setImage.status).toBe(0);
    expect(cronJobImage()).toBe(rolled);

    // Plain re-apply: the image now belongs to `kubectl-set`, and server-side apply refuses to take it.
    const plain = fixture.kubectl(['apply', '--server-side', '-f', '-'], manifests.irsa);
    expect(plain.status).not.toBe(0);
    expect(plain.stderr).toContain('conflict with "kubectl-set"');
    expect(plain.stderr).toContain('.containers[name="usage-reporter"].image');
    expect(cronJobImage()).toBe(rolled);

    // As the README deploys: the manifests win and take the field back.
    const forced = fixture.kubectl(
      ['apply', '--server-side', '--force-conflicts', '-f', '-'],
      manifests.irsa,
    );
    expect(forced.stderr).toBe('');
    expect(cronJobImage()).toBe(LOCAL_OVERLAY_PARAMS.image);
  });
});

/** Polls until `read` gives a value: what the controllers do happens after the call that starts it. */
async function eventually<T>(read: () => T | undefined, attempts = 300): Promise<T> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const value = read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the controllers did not get there');
}
