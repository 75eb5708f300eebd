import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replaceDirectives } from './build-control-plane.ts';
import { controlPlaneBinDir } from './paths.ts';
import { eksKubernetesMinor, kubernetesVersion } from './versions.ts';

function repoWithVersion(line: string): string {
  const root = mkdtempSync(join(tmpdir(), 'keyless-version-'));
  mkdirSync(join(root, 'infra', 'cdk', 'src'), { recursive: true });
  writeFileSync(join(root, 'infra', 'cdk', 'src', 'eks-version.ts'), `${line}\n`);
  return root;
}

describe('the Kubernetes version built', () => {
  it('is a patch of the minor the CDK app deploys', () => {
    expect(kubernetesVersion()).toMatch(new RegExp(`^${eksKubernetesMinor().replace('.', '\\.')}\\.\\d+$`));
  });

  it('reads the minor from the CDK app', () => {
    expect(eksKubernetesMinor(repoWithVersion("export const EKS_KUBERNETES_VERSION = '1.34';"))).toBe('1.34');
  });

  it('refuses a CDK app that names no version, and a minor with no pinned patch', () => {
    expect(() => eksKubernetesMinor(repoWithVersion('export const OTHER = 1;'))).toThrow(
      /names no EKS_KUBERNETES_VERSION/,
    );
    expect(() => kubernetesVersion('1.99')).toThrow(/pins no patch of it/);
  });

  it('is cached per version outside the checkout, or where KEYLESS_KUBERNETES_CACHE says', () => {
    expect(controlPlaneBinDir('1.35.4', { HOME: '/home/someone', XDG_CACHE_HOME: '/cache' })).toBe(
      '/cache/keyless/kubernetes/1.35.4/bin',
    );
    expect(controlPlaneBinDir('1.35.4', { KEYLESS_KUBERNETES_CACHE: '/opt/k8s' })).toBe(
      '/opt/k8s/1.35.4/bin',
    );
  });
});

describe('replaceDirectives', () => {
  it('reads block and single-line replaces, without comments', () => {
    const goMod = [
      'module k8s.io/kubernetes',
      'replace (',
      '\tk8s.io/api => ./staging/src/k8s.io/api // the staging copy',
      '\tk8s.io/kms => ./staging/src/k8s.io/kms',
      ')',
      'replace google.golang.org/protobuf => google.golang.org/protobuf v1.36.5',
    ].join('\n');
    expect(replaceDirectives(goMod)).toEqual([
      { from: 'k8s.io/api', to: './staging/src/k8s.io/api' },
      { from: 'k8s.io/kms', to: './staging/src/k8s.io/kms' },
      { from: 'google.golang.org/protobuf', to: 'google.golang.org/protobuf v1.36.5' },
    ]);
  });
});
