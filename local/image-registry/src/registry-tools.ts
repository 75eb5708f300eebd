// The registry and the client the local system and the tests run, built from the Go module proxy
// into the repository's .local/bin with `go install`, pinned, and built once: the version a
// binary was built from is read back from its Go build information (`go version -m`), so a
// cached binary of another version is rebuilt. The way infra/k8s/src/go-tool.ts installs kustomize.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface RegistryTool {
  binary: string;
  /** The Go module the binary is built from. */
  module: string;
  /** The main package, e.g. `github.com/distribution/distribution/v3/cmd/registry`. */
  packagePath: string;
  /** With the leading `v`. */
  version: string;
  /** What the first build costs, for the progress line. */
  coldBuild: string;
}

/** CNCF Distribution (Apache-2.0): the OCI registry. */
export const DISTRIBUTION: RegistryTool = {
  binary: 'registry',
  module: 'github.com/distribution/distribution/v3',
  packagePath: 'github.com/distribution/distribution/v3/cmd/registry',
  version: 'v3.1.2',
  coldBuild: 'about 80 s',
};

/** go-containerregistry's crane (Apache-2.0): a registry client that needs no container engine. */
export const CRANE: RegistryTool = {
  binary: 'crane',
  module: 'github.com/google/go-containerregistry',
  packagePath: 'github.com/google/go-containerregistry/cmd/crane',
  version: 'v0.22.1',
  coldBuild: 'about 20 s',
};

/** oras (Apache-2.0): the OCI artifact client; the tests push and pull with it too. */
export const ORAS: RegistryTool = {
  binary: 'oras',
  module: 'oras.land/oras',
  packagePath: 'oras.land/oras/cmd/oras',
  version: 'v1.3.6',
  coldBuild: 'about 20 s',
};

/** Go itself is not installed: the tool cannot be built here (the caller may go on without it). */
export class GoMissingError extends Error {
  constructor(tool: RegistryTool) {
    super(
      `${tool.binary} ${tool.version} is built with Go, and no \`go\` is on the PATH (Go ≥ 1.26, see the root README)`,
    );
    this.name = 'GoMissingError';
  }
}

export const localBinDir = resolve(import.meta.dirname, '../../../.local/bin');

function builtVersion(path: string, module: string): string | undefined {
  if (!existsSync(path)) return undefined;
  const info = spawnSync('go', ['version', '-m', path], { encoding: 'utf8' });
  if (info.status !== 0) return undefined;
  const line = info.stdout.split('\n').find((text) => text.trim().split(/\s+/)[1] === module);
  return line?.trim().split(/\s+/)[2];
}

/** The tool's path, built first if it is missing or another version (printing that it does). */
export function ensureRegistryTool(
  tool: RegistryTool,
  binDir: string = localBinDir,
  progress: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): string {
  const path = join(binDir, tool.binary);
  if (builtVersion(path, tool.module) === tool.version) return path;
  progress(
    `building ${tool.binary} ${tool.version} from the Go module proxy (${tool.coldBuild} the first time)`,
  );
  const install = spawnSync('go', ['install', `${tool.packagePath}@${tool.version}`], {
    env: { ...process.env, GOBIN: binDir },
    encoding: 'utf8',
  });
  if ((install.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') throw new GoMissingError(tool);
  if (install.error || install.status !== 0) {
    throw new Error(
      `could not install ${tool.binary} ${tool.version} with Go (needs the Go of the root README's ` +
        `prerequisites and the Go module proxy): ${install.error?.message ?? install.stderr}`,
    );
  }
  progress(`built ${path}`);
  return path;
}

if (import.meta.main)
  for (const tool of [DISTRIBUTION, CRANE]) process.stdout.write(`${ensureRegistryTool(tool)}\n`);
