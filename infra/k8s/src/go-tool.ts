// Installs a pinned command-line tool with `go install` from the Go module proxy into the
// repository's .local/bin, unless that exact version is already there, the way
// infra/cdk/bin/ensure-actionlint.ts does for actionlint. After the first run it works offline.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { localBinDir } from './paths.ts';

export interface GoTool {
  /** The binary `go install` produces. */
  binary: string;
  /** The main package, e.g. `sigs.k8s.io/kustomize/kustomize/v5`. */
  packagePath: string;
  /** Without the leading `v`. */
  version: string;
  /** Arguments that make the binary print its version (`v<version>` on the first line). */
  versionArgs: string[];
}

function installedVersion(path: string, versionArgs: string[]): string | undefined {
  if (!existsSync(path)) return undefined;
  const result = spawnSync(path, versionArgs, { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.split('\n')[0]?.trim() : undefined;
}

/** The tool's path, installed first if it is missing or another version. */
export function ensureGoTool(tool: GoTool, binDir: string = localBinDir): string {
  const path = join(binDir, tool.binary);
  if (installedVersion(path, tool.versionArgs) === `v${tool.version}`) return path;
  const install = spawnSync('go', ['install', `${tool.packagePath}@v${tool.version}`], {
    env: { ...process.env, GOBIN: binDir },
    encoding: 'utf8',
  });
  if (install.error || install.status !== 0) {
    throw new Error(
      `could not install ${tool.binary} v${tool.version} with Go (needs Go and the Go module proxy): ` +
        `${install.error?.message ?? install.stderr}`,
    );
  }
  return path;
}
