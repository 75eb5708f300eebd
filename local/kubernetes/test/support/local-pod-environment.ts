// What the local system adds to the usage-reporter's Pod spec, applied server-side as its own field
// manager over the rendered overlay: where AWS is on this machine (the emulator, the STS front) and
// no TLS to the local PostgreSQL. Forced: DB_SSL_MODE's value belongs to the overlay's manager.
import type { ClusterFixture } from './cluster.ts';

export function applyLocalPodEnvironment(fixture: ClusterFixture, env: Record<string, string>): void {
  const applied = fixture.kubectl(
    ['apply', '--server-side', '--field-manager=keyless-local', '--force-conflicts', '-f', '-'],
    JSON.stringify({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'usage-reporter', namespace: 'keyless' },
      spec: {
        jobTemplate: {
          spec: {
            template: {
              spec: {
                containers: [
                  {
                    name: 'usage-reporter',
                    env: Object.entries(env).map(([name, value]) => ({ name, value })),
                  },
                ],
              },
            },
          },
        },
      },
    }),
  );
  if (applied.status !== 0) throw new Error(`the local environment was not applied: ${applied.stderr}`);
}
