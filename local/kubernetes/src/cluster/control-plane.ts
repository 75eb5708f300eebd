// The EKS control plane, made of the components EKS itself runs: etcd → kube-apiserver (the
// cluster's OIDC issuer, EKS-shaped; Pod Security Admission; RBAC) → kube-controller-manager (the
// controllers the usage-reporter's CronJob needs) → the amazon-eks-pod-identity-webhook, registered
// as a mutating admission webhook. Each start is a new cluster in a temporary directory; stop()
// stops in the reverse order (the API server ignores SIGTERM while the webhook's watch is open).
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { holdPath, releasePath } from '@keyless/owned-process';
import { ensureControlPlane, type ControlPlaneBinaries } from '../toolchain/build-control-plane.ts';
import { startComponent, type Component } from './component.ts';
import { freePort } from './free-port.ts';
import { KubeClient } from './kube-client.ts';
import { kubeconfig } from './kubeconfig.ts';
import { createClusterPki, type ClusterPki } from './pki.ts';

export interface ControlPlaneOptions {
  /** The Region in the issuer URL and the webhook's default Region. */
  region?: string;
  log?: (line: string) => void;
}

export interface ControlPlane {
  binaries: ControlPlaneBinaries;
  /** https://127.0.0.1:<port> */
  server: string;
  /** https://oidc.eks.<region>.amazonaws.com/id/<ID>, the service-account issuer, as on EKS. */
  issuer: string;
  /** The audience of the API server's own tokens (what `kubectl create token` gets by default). */
  apiAudience: string;
  region: string;
  pki: ClusterPki;
  /** A kubeconfig file for the cluster admin (system:masters). */
  adminKubeconfig: string;
  admin: KubeClient;
  /** Where the run's files live (deleted at stop). */
  stateDir: string;
  components: Component[];
  stop(): Promise<void>;
}

/** EKS's cluster IDs are 32 upper-case hex digits. */
const clusterId = () => randomBytes(16).toString('hex').toUpperCase();

const API_AUDIENCE = 'https://kubernetes.default.svc';

export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const log = options.log ?? (() => {});
  const region = options.region ?? 'eu-west-1';
  const binaries = ensureControlPlane(log);
  log(
    `kubernetes: ${Object.entries(binaries.versions)
      .map(([name, version]) => `${name} v${version}`)
      .join(', ')}`,
  );
  const stateDir = mkdtempSync(join(tmpdir(), 'keyless-kubernetes-'));
  holdPath(stateDir);
  const logDir = join(stateDir, 'logs');
  mkdirSync(logDir);
  const components: Component[] = [];
  const stop = async () => {
    // Reverse order of start: the webhook and the controller manager hold watches on the API
    // server, the API server holds etcd.
    for (const component of [...components].reverse()) await component.stop();
    components.length = 0;
    rmSync(stateDir, { recursive: true, force: true });
    releasePath(stateDir);
  };
  try {
    const pki = await createClusterPki();
    const file = (name: string, content: string) => {
      const path = join(stateDir, name);
      writeFileSync(path, content, { mode: 0o600 });
      return path;
    };
    const ca = file('ca.crt', pki.caCertificate);

    // etcd: one member, loopback only, data in the run's directory.
    const [etcdPort, etcdPeerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const etcd = startComponent(
      'etcd',
      binaries.etcd,
      [
        `--data-dir=${join(stateDir, 'etcd')}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
        `--initial-cluster=default=http://127.0.0.1:${etcdPeerPort}`,
        // A throwaway cluster: no fsync, a small quota.
        '--unsafe-no-fsync',
        '--quota-backend-bytes=268435456',
        '--log-level=warn',
      ],
      { logDir },
    );
    components.push(etcd);
    await etcd.waitUntil(async () => (await fetch(`${etcdUrl}/health`)).ok, 30_000);
    log('kubernetes: etcd ready');

    const server = `https://127.0.0.1:${apiPort}`;
    const issuer = `https://oidc.eks.${region}.amazonaws.com/id/${clusterId()}`;
    const apiserver = startComponent(
      'kube-apiserver',
      binaries.kubeApiserver,
      [
        `--etcd-servers=${etcdUrl}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${apiPort}`,
        `--tls-cert-file=${file('apiserver.crt', pki.apiServer.cert)}`,
        `--tls-private-key-file=${file('apiserver.key', pki.apiServer.key)}`,
        `--client-ca-file=${ca}`,
        // The cluster's OIDC issuer. EKS publishes the discovery document at the issuer URL; here
        // the API server serves it itself (/.well-known/openid-configuration), naming its own JWKS.
        `--service-account-issuer=${issuer}`,
        `--service-account-jwks-uri=${server}/openid/v1/jwks`,
        `--service-account-key-file=${file('sa.pub', pki.serviceAccount.publicKey)}`,
        `--service-account-signing-key-file=${file('sa.key', pki.serviceAccount.privateKey)}`,
        `--api-audiences=${API_AUDIENCE}`,
        '--authorization-mode=RBAC',
        // EKS's default Service range.
        '--service-cluster-ip-range=10.100.0.0/16',
        '--allow-privileged=false',
        '--profiling=false',
        '--enable-priority-and-fairness=false',
        '--v=1',
      ],
      { logDir },
    );
    components.push(apiserver);
    const admin = new KubeClient(server, {
      caCertificate: pki.caCertificate,
      cert: pki.admin.cert,
      key: pki.admin.key,
    });
    await apiserver.waitUntil(async () => (await admin.call('GET', '/readyz')).status === 200, 120_000);
    log(`kubernetes: kube-apiserver ready at ${server}, issuer ${issuer}`);
    const adminKubeconfig = file(
      'admin.kubeconfig',
      kubeconfig({ server, caCertificate: pki.caCertificate, user: pki.admin }),
    );

    // Anonymous OIDC discovery, as EKS serves it to anyone: the built-in binding covers only
    // service accounts.
    await admin.apply(
      '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/keyless:service-account-issuer-discovery',
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'keyless:service-account-issuer-discovery' },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'system:service-account-issuer-discovery',
        },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:unauthenticated' }],
      },
      'keyless-bootstrap',
    );

    const controllerManager = startComponent(
      'kube-controller-manager',
      binaries.kubeControllerManager,
      [
        `--kubeconfig=${file(
          'controller-manager.kubeconfig',
          kubeconfig({ server, caCertificate: pki.caCertificate, user: pki.controllerManager }),
        )}`,
        // Only the controllers the usage-reporter's flow needs: CronJob → Job → Pod, each
        // namespace's default service account, and the edit/view/admin roles' aggregated rules.
        '--controllers=cronjob-controller,job-controller,serviceaccount-controller,clusterrole-aggregation-controller',
        // Each controller as its own service account (system:serviceaccount:kube-system:<controller>),
        // with the bootstrap roles the API server creates for them, as kubeadm and EKS run it.
        '--use-service-account-credentials=true',
        '--leader-elect=false',
        '--secure-port=0',
        `--root-ca-file=${ca}`,
        '--v=1',
      ],
      { logDir },
    );
    components.push(controllerManager);
    await controllerManager.waitUntil(async () => {
      const edit = await admin.call<{ rules?: unknown[] }>(
        'GET',
        '/apis/rbac.authorization.k8s.io/v1/clusterroles/edit',
      );
      return (edit.body.rules?.length ?? 0) > 0;
    }, 120_000);
    log('kubernetes: kube-controller-manager running');

    return {
      binaries,
      server,
      issuer,
      apiAudience: API_AUDIENCE,
      region,
      pki,
      adminKubeconfig,
      admin,
      stateDir,
      components,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
