// A kubeconfig for kubectl and the Go components. JSON is YAML, so no YAML writer is needed.
export interface KubeconfigUser {
  cert?: string;
  key?: string;
  token?: string;
  /** An exec credential plugin, as `aws eks update-kubeconfig` writes one. */
  exec?: { command: string; args: string[]; env?: Array<{ name: string; value: string }> };
}

const base64 = (text: string) => Buffer.from(text).toString('base64');

export function kubeconfig(options: {
  server: string;
  caCertificate: string;
  user: KubeconfigUser;
  name?: string;
}): string {
  const { server, caCertificate, user } = options;
  const name = options.name ?? 'keyless';
  const userEntry: Record<string, unknown> = {};
  if (user.cert) userEntry['client-certificate-data'] = base64(user.cert);
  if (user.key) userEntry['client-key-data'] = base64(user.key);
  if (user.token) userEntry.token = user.token;
  if (user.exec) {
    userEntry.exec = {
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      interactiveMode: 'Never',
      ...user.exec,
    };
  }
  return JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name, cluster: { server, 'certificate-authority-data': base64(caCertificate) } }],
      users: [{ name, user: userEntry }],
      contexts: [{ name, context: { cluster: name, user: name } }],
      'current-context': name,
    },
    null,
    2,
  );
}
