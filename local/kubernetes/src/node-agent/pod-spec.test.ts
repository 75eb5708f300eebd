import { describe, expect, it } from 'vitest';
import { runnablePod, type Pod } from './pod-spec.ts';

const root = '/run/keyless/pods';

function pod(spec: Partial<Pod['spec']> = {}): Pod {
  return {
    metadata: { name: 'p', namespace: 'keyless', uid: 'u' },
    spec: {
      serviceAccountName: 'usage-reporter',
      containers: [
        {
          name: 'c',
          image: 'i',
          env: [{ name: 'A', value: '1' }],
          volumeMounts: [
            { name: 'aws-iam-token', mountPath: `${root}/eks` },
            { name: 'tmp', mountPath: '/tmp' },
          ],
        },
      ],
      volumes: [
        {
          name: 'aws-iam-token',
          projected: {
            sources: [
              {
                serviceAccountToken: {
                  audience: 'sts.amazonaws.com',
                  expirationSeconds: 86400,
                  path: 'token',
                },
              },
            ],
          },
        },
        { name: 'tmp', emptyDir: {} },
      ],
      ...spec,
    },
  };
}

describe('what the node agent runs for a Pod', () => {
  it('takes the literal environment and the projected tokens under its volume root', () => {
    expect(runnablePod(pod(), root)).toMatchObject({
      env: { A: '1' },
      tokens: [{ file: `${root}/eks/token`, audience: 'sts.amazonaws.com', expirationSeconds: 86400 }],
    });
  });

  it('refuses what it cannot honour, with the reason', () => {
    const base = pod();
    const container = base.spec.containers[0] as Pod['spec']['containers'][number];
    expect(runnablePod(pod({ containers: [container, container] }), root)).toEqual({
      refused: expect.stringContaining('exactly one container'),
    });
    expect(
      runnablePod(
        pod({ containers: [{ ...container, env: [{ name: 'S', valueFrom: { secretKeyRef: {} } }] }] }),
        root,
      ),
    ).toEqual({ refused: expect.stringContaining('env S') });
    expect(
      runnablePod(
        pod({
          containers: [
            { ...container, volumeMounts: [{ name: 'aws-iam-token', mountPath: '/var/run/secrets' }] },
          ],
        }),
        root,
      ),
    ).toEqual({ refused: expect.stringContaining('outside /run/keyless/pods') });
    expect(
      runnablePod(
        pod({
          volumes: [
            { name: 'aws-iam-token', projected: { sources: [{ serviceAccountToken: { path: '../x' } }] } },
            { name: 'tmp', emptyDir: {} },
          ],
        }),
        root,
      ),
    ).toEqual({ refused: expect.stringContaining('../x') });
  });
});
