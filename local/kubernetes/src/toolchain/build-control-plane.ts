// Builds the control plane from the Go module proxy, once per version, into a cache outside the
// checkout: kube-apiserver, kube-controller-manager, kubectl and etcd from a wrapper module around
// k8s.io/kubernetes, then amazon-eks-pod-identity-webhook and aws-iam-authenticator. The Go module
// and build caches live in a temporary directory removed afterwards (several GB). The binaries
// land in `<cache>/<version>/bin` in one rename, so a build cut short leaves nothing half-made.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { controlPlaneBinDir } from './paths.ts';
import {
  AWS_IAM_AUTHENTICATOR_VERSION,
  ETCD_VERSION,
  POD_IDENTITY_WEBHOOK_VERSION,
  kubernetesVersion,
} from './versions.ts';

export interface ControlPlaneBinaries {
  dir: string;
  etcd: string;
  kubeApiserver: string;
  kubeControllerManager: string;
  kubectl: string;
  podIdentityWebhook: string;
  awsIamAuthenticator: string;
  versions: Record<string, string>;
}

const STAMP = 'versions.json';

function binaries(dir: string, versions: Record<string, string>): ControlPlaneBinaries {
  return {
    dir,
    etcd: join(dir, 'etcd'),
    kubeApiserver: join(dir, 'kube-apiserver'),
    kubeControllerManager: join(dir, 'kube-controller-manager'),
    kubectl: join(dir, 'kubectl'),
    podIdentityWebhook: join(dir, 'amazon-eks-pod-identity-webhook'),
    awsIamAuthenticator: join(dir, 'aws-iam-authenticator'),
    versions,
  };
}

/** What this checkout pins, as the stamp of a finished build records it. */
export function pinnedVersions(): Record<string, string> {
  return {
    kubernetes: kubernetesVersion(),
    etcd: ETCD_VERSION,
    'amazon-eks-pod-identity-webhook': POD_IDENTITY_WEBHOOK_VERSION,
    'aws-iam-authenticator': AWS_IAM_AUTHENTICATOR_VERSION,
  };
}

/** The cached binaries of the pinned versions, or undefined when they have not been built. */
export function cachedControlPlane(env: NodeJS.ProcessEnv = process.env): ControlPlaneBinaries | undefined {
  const versions = pinnedVersions();
  const dir = controlPlaneBinDir(versions.kubernetes as string, env);
  const stamp = join(dir, STAMP);
  if (!existsSync(stamp)) return undefined;
  if (JSON.stringify(JSON.parse(readFileSync(stamp, 'utf8'))) !== JSON.stringify(versions)) return undefined;
  const found = binaries(dir, versions);
  const missing = Object.entries(found).find(
    ([key, value]) => key !== 'dir' && typeof value === 'string' && !existsSync(value),
  );
  return missing ? undefined : found;
}

type Log = (line: string) => void;

/** The first build takes minutes: its progress goes to the terminal. */
const printLine: Log = (line) => process.stdout.write(`${line}\n`);

function go(args: string[], cwd: string, env: NodeJS.ProcessEnv, what: string): string {
  const result = spawnSync('go', args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error || result.status !== 0) {
    throw new Error(
      `${what} failed (needs Go >= 1.26 and the Go module proxy): ${result.error?.message ?? result.stderr.slice(-4000)}`,
    );
  }
  return result.stdout;
}

/** The replace directives of a module's go.mod, one `old => new` per entry. */
export function replaceDirectives(goMod: string): Array<{ from: string; to: string }> {
  const lines: string[] = [];
  const block = /^replace\s*\(([\s\S]*?)^\)/gm;
  for (const match of goMod.matchAll(block)) lines.push(...(match[1] ?? '').split('\n'));
  for (const match of goMod.matchAll(/^replace\s+([^(\n].*)$/gm)) lines.push(match[1] ?? '');
  return lines
    .map((line) => line.replace(/\/\/.*$/, '').trim())
    .filter((line) => line.includes('=>'))
    .map((line) => {
      const [from, to] = line.split('=>').map((part) => part.trim());
      return { from: from as string, to: to as string };
    });
}

/** The go.mod of `module@version` from the module proxy. */
function moduleGoMod(module: string, version: string, cwd: string, env: NodeJS.ProcessEnv): string {
  const info = JSON.parse(
    go(['mod', 'download', '-json', `${module}@${version}`], cwd, env, `downloading ${module}`),
  );
  return readFileSync(info.GoMod as string, 'utf8');
}

/**
 * A module of our own that requires `module@version` with its replace directives: Go ignores the
 * replaces of a dependency, and k8s.io/kubernetes replaces its 31 staging modules with local paths
 * (each is served on its own as v0.<minor>.<patch>).
 */
function wrapperModule(options: {
  dir: string;
  module: string;
  version: string;
  requires: string[];
  imports: string[];
  localReplaceVersion?: string;
  env: NodeJS.ProcessEnv;
}): void {
  const { dir, module, version, env } = options;
  mkdirSync(dir, { recursive: true });
  const replaces = replaceDirectives(moduleGoMod(module, version, dir, env)).map(({ from, to }) => {
    const name = from.split(/\s+/)[0] as string;
    if (!to.startsWith('./')) return `replace ${from} => ${to}`;
    if (!options.localReplaceVersion) throw new Error(`${module} replaces ${name} with a path`);
    return `replace ${name} => ${name} ${options.localReplaceVersion}`;
  });
  writeFileSync(
    join(dir, 'go.mod'),
    [
      'module keyless.local/control-plane-build',
      '',
      'go 1.26',
      '',
      ...[`${module} ${version}`, ...options.requires].map((line) => `require ${line}`),
      '',
      ...replaces,
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'tools.go'),
    [
      '//go:build tools',
      '',
      '// The commands built from this module; tidy resolves their dependencies.',
      'package tools',
      '',
      'import (',
      ...options.imports.map((path) => `\t_ "${path}"`),
      ')',
      '',
    ].join('\n'),
  );
  go(['mod', 'tidy'], dir, env, `resolving the modules of ${module}@${version}`);
}

/** Builds every binary into a fresh directory, then moves it into the cache in one rename. */
export function buildControlPlane(
  log: Log = printLine,
  env: NodeJS.ProcessEnv = process.env,
): ControlPlaneBinaries {
  const versions = pinnedVersions();
  const k8s = versions.kubernetes as string;
  const [major, minor] = k8s.split('.');
  const binDir = controlPlaneBinDir(k8s, env);
  mkdirSync(dirname(binDir), { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'keyless-kubernetes-build-'));
  const staging = mkdtempSync(join(dirname(binDir), 'bin.partial-'));
  const goEnv: NodeJS.ProcessEnv = {
    ...env,
    GOMODCACHE: join(work, 'mod'),
    GOCACHE: join(work, 'cache'),
    // -modcacherw: the module cache is deleted afterwards, Go makes it read-only otherwise.
    GOFLAGS: '-modcacherw -buildvcs=false',
    GOTOOLCHAIN: 'local',
    GOWORK: 'off',
    CGO_ENABLED: '0',
  };
  const started = Date.now();
  const elapsed = () => `${Math.round((Date.now() - started) / 1000)} s`;
  try {
    log(
      `kubernetes: building the control plane ${Object.entries(versions)
        .map(([name, version]) => `${name} v${version}`)
        .join(', ')} into ${binDir} (first time only: ~10 min on 2 cores, ~5 GB of Go caches removed after)`,
    );
    const k8sModule = join(work, 'kubernetes');
    wrapperModule({
      dir: k8sModule,
      module: 'k8s.io/kubernetes',
      version: `v${k8s}`,
      requires: [`go.etcd.io/etcd/server/v3 v${ETCD_VERSION}`],
      imports: [
        'k8s.io/kubernetes/cmd/kube-apiserver',
        'k8s.io/kubernetes/cmd/kube-controller-manager',
        'k8s.io/kubernetes/cmd/kubectl',
        'go.etcd.io/etcd/server/v3',
      ],
      localReplaceVersion: `v0.${minor}.${k8s.split('.')[2]}`,
      env: goEnv,
    });
    log(`kubernetes: modules resolved (${elapsed()})`);
    // Without these the binaries report v0.0.0-master, and kubectl warns about version skew.
    const versionFlags = ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version'].flatMap((pkg) => [
      `-X ${pkg}.gitVersion=v${k8s}`,
      `-X ${pkg}.gitMajor=${major}`,
      `-X ${pkg}.gitMinor=${minor}`,
      `-X ${pkg}.gitTreeState=clean`,
    ]);
    const commands: Array<[string, string, string[]]> = [
      ['kube-apiserver', 'k8s.io/kubernetes/cmd/kube-apiserver', versionFlags],
      ['kube-controller-manager', 'k8s.io/kubernetes/cmd/kube-controller-manager', versionFlags],
      ['kubectl', 'k8s.io/kubernetes/cmd/kubectl', versionFlags],
      ['etcd', 'go.etcd.io/etcd/server/v3', []],
    ];
    for (const [binary, pkg, flags] of commands) {
      log(`kubernetes: building ${binary}…`);
      go(
        [
          'build',
          '-trimpath',
          '-ldflags',
          ['-s', '-w', ...flags].join(' '),
          '-o',
          join(staging, binary),
          pkg,
        ],
        k8sModule,
        goEnv,
        `building ${binary}`,
      );
      log(`kubernetes: built ${binary} (${elapsed()})`);
    }

    log('kubernetes: building amazon-eks-pod-identity-webhook…');
    go(
      [
        'install',
        '-trimpath',
        '-ldflags',
        '-s -w',
        `github.com/aws/amazon-eks-pod-identity-webhook@v${POD_IDENTITY_WEBHOOK_VERSION}`,
      ],
      work,
      { ...goEnv, GOBIN: staging },
      'building amazon-eks-pod-identity-webhook',
    );
    log(`kubernetes: built amazon-eks-pod-identity-webhook (${elapsed()})`);

    // Its go.mod replaces google.golang.org/protobuf, so `go install …@version` is refused.
    log('kubernetes: building aws-iam-authenticator…');
    const authenticatorModule = join(work, 'aws-iam-authenticator');
    wrapperModule({
      dir: authenticatorModule,
      module: 'sigs.k8s.io/aws-iam-authenticator',
      version: `v${AWS_IAM_AUTHENTICATOR_VERSION}`,
      requires: [],
      imports: ['sigs.k8s.io/aws-iam-authenticator/cmd/aws-iam-authenticator'],
      env: goEnv,
    });
    go(
      [
        'build',
        '-trimpath',
        '-ldflags',
        `-s -w -X sigs.k8s.io/aws-iam-authenticator/pkg.Version=${AWS_IAM_AUTHENTICATOR_VERSION}`,
        '-o',
        join(staging, 'aws-iam-authenticator'),
        'sigs.k8s.io/aws-iam-authenticator/cmd/aws-iam-authenticator',
      ],
      authenticatorModule,
      goEnv,
      'building aws-iam-authenticator',
    );
    log(`kubernetes: built aws-iam-authenticator (${elapsed()})`);

    writeFileSync(join(staging, STAMP), JSON.stringify(versions));
    rmSync(binDir, { recursive: true, force: true });
    renameSync(staging, binDir);
    log(`kubernetes: control plane ready in ${binDir} (${elapsed()})`);
    return binaries(binDir, versions);
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(staging, { recursive: true, force: true });
  }
}

/** The cached control plane, built first when this version has not been built on this machine. */
export function ensureControlPlane(
  log: Log = printLine,
  env: NodeJS.ProcessEnv = process.env,
): ControlPlaneBinaries {
  return cachedControlPlane(env) ?? buildControlPlane(log, env);
}
