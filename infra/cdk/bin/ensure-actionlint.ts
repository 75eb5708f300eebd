// Installs the pinned actionlint (the maintained GitHub Actions workflow linter, MIT) into the
// repository's .local/bin with `go install` from the Go module proxy, unless that exact version
// is already there, and prints its path. After the first run the workflow tests work offline.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const ACTIONLINT_VERSION = '1.7.12';
const binDir = resolve(import.meta.dirname, '../../../.local/bin');
export const actionlintPath = resolve(binDir, 'actionlint');

function installedVersion(): string | undefined {
  if (!existsSync(actionlintPath)) return undefined;
  const result = spawnSync(actionlintPath, ['-version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.split('\n')[0]?.trim() : undefined;
}

export function ensureActionlint(): string {
  if (installedVersion() === `v${ACTIONLINT_VERSION}`) return actionlintPath;
  const install = spawnSync(
    'go',
    ['install', `github.com/rhysd/actionlint/cmd/actionlint@v${ACTIONLINT_VERSION}`],
    {
      env: { ...process.env, GOBIN: binDir },
      encoding: 'utf8',
    },
  );
  if (install.error || install.status !== 0) {
    throw new Error(
      `could not install actionlint v${ACTIONLINT_VERSION} with Go (needs the Go of the root README's ` +
        `prerequisites and the Go module proxy): ${install.error?.message ?? install.stderr}`,
    );
  }
  return actionlintPath;
}

if (import.meta.main) console.log(ensureActionlint());
