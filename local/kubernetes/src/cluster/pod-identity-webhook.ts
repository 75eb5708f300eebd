// amazon-eks-pod-identity-webhook, the mutating admission webhook EKS runs for IRSA, out of
// cluster: it watches service accounts through the API server and, for a Pod whose service account
// carries `eks.amazonaws.com/role-arn`, adds what EKS adds (AWS_ROLE_ARN,
// AWS_WEB_IDENTITY_TOKEN_FILE, the Region variables, the projected `aws-iam-token` volume).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startComponent, type Component } from './component.ts';
import type { ControlPlane } from './control-plane.ts';
import { freePort } from './free-port.ts';

export const IRSA_AUDIENCE = 'sts.amazonaws.com';
const WEBHOOK_NAME = 'iam-for-pods.amazonaws.com';

export interface PodIdentityWebhook {
  component: Component;
  /**
   * Where the webhook tells Pods their IRSA token is mounted (its --token-mount-path). EKS's is
   * /var/run/secrets/eks.amazonaws.com/serviceaccount inside the container; with no container, the
   * node agent writes the file on this machine, so the path is under the run's directory.
   */
  tokenMountPath: string;
}

export async function startPodIdentityWebhook(cluster: ControlPlane): Promise<PodIdentityWebhook> {
  const tokenMountPath = join(cluster.stateDir, 'pods', 'var/run/secrets/eks.amazonaws.com/serviceaccount');
  const [port, metricsPort] = [await freePort(), await freePort()];
  const file = (name: string, content: string) => {
    const path = join(cluster.stateDir, name);
    writeFileSync(path, content, { mode: 0o600 });
    return path;
  };
  const webhook = startComponent(
    'pod-identity-webhook',
    cluster.binaries.podIdentityWebhook,
    [
      '--in-cluster=false',
      `--kubeconfig=${cluster.adminKubeconfig}`,
      `--tls-cert=${file('webhook.crt', cluster.pki.webhook.cert)}`,
      `--tls-key=${file('webhook.key', cluster.pki.webhook.key)}`,
      // It listens on every interface (it has no address flag); the ports are free ones.
      `--port=${port}`,
      `--metrics-port=${metricsPort}`,
      '--annotation-prefix=eks.amazonaws.com',
      `--token-audience=${IRSA_AUDIENCE}`,
      `--token-mount-path=${tokenMountPath}`,
      `--aws-default-region=${cluster.region}`,
      '--sts-regional-endpoint=true',
      '--logtostderr',
    ],
    { logDir: join(cluster.stateDir, 'logs') },
  );
  cluster.components.push(webhook);
  await webhook.waitUntil(async () => {
    const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    return response.ok;
  }, 30_000);
  // Registered as EKS registers it: Pod CREATE, v1beta1 reviews, failures ignored (a webhook outage
  // must not stop every Pod in the cluster).
  await cluster.admin.apply(
    `/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/pod-identity-webhook`,
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: 'pod-identity-webhook' },
      webhooks: [
        {
          name: WEBHOOK_NAME,
          clientConfig: {
            url: `https://127.0.0.1:${port}/mutate`,
            caBundle: Buffer.from(cluster.pki.caCertificate).toString('base64'),
          },
          rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
          failurePolicy: 'Ignore',
          sideEffects: 'None',
          admissionReviewVersions: ['v1beta1'],
        },
      ],
    },
    'keyless-bootstrap',
  );
  return { component: webhook, tokenMountPath };
}
