// The overlays of infra/k8s rendered the way its README deploys them (`node bin/render.ts
// overlays/<name>`: the pinned kustomize, then the strict validator), from a copy whose
// params.env holds the values the local system uses. Run as a process: a local project's code
// does not import infra/k8s, and render.ts is what a person runs.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const k8sRoot = resolve(import.meta.dirname, '../../../../infra/k8s');
const node = process.execPath;

export type Overlay = 'irsa' | 'pod-identity';

export interface OverlayParams {
  roleArn: string;
  image: string;
  bucket: string;
  region: string;
  ledgerProxyHost?: string;
}

export function renderOverlay(overlay: Overlay, params: OverlayParams): string {
  const copy = mkdtempSync(join(tmpdir(), 'keyless-k8s-render-'));
  try {
    for (const dir of ['base', 'overlays', 'params'])
      cpSync(join(k8sRoot, dir), join(copy, dir), { recursive: true });
    writeFileSync(
      join(copy, 'params', 'params.env'),
      [
        `USAGE_REPORTER_ROLE_ARN=${params.roleArn}`,
        `USAGE_REPORTER_IMAGE=${params.image}`,
        `FILES_BUCKET=${params.bucket}`,
        `AWS_REGION=${params.region}`,
        // The ledger's RDS Proxy endpoint the reporter logs in through (docs/flows/rds-iam-auth.md).
        `LEDGER_PROXY_HOST=${params.ledgerProxyHost ?? 'localhost'}`,
        '',
      ].join('\n'),
    );
    const result = spawnSync(node, [join(k8sRoot, 'bin', 'render.ts'), `overlays/${overlay}`], {
      cwd: copy,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    if (result.status !== 0) throw new Error(`render.ts overlays/${overlay} failed: ${result.stderr}`);
    return result.stdout;
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}
