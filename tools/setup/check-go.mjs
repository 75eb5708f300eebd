// `npm test` builds Go tools (the Kubernetes and compose-file validators, kustomize, actionlint);
// `npm start` does not. Without this check a missing or old Go surfaces minutes into the run as a
// build failure inside one project's tests. Plain JS for any Node ≥ 18, like ensure-installed.mjs.
import { spawnSync } from 'node:child_process';

/**
 * The oldest Go that builds every Go module the tests use: kustomize v5.8.2 declares `go 1.26.0`
 * (the repository's own validate/ modules need 1.25). The root README states the same.
 */
export const MIN_GO = [1, 26];

/** [major, minor] of the `go` on the PATH in `env`, or undefined when there is none that runs. */
export function goVersion(env = process.env) {
  const result = spawnSync('go', ['version'], { encoding: 'utf8', env });
  const match = result.status === 0 ? /\bgo(\d+)\.(\d+)/.exec(result.stdout) : null;
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** The one message to print when Go is missing or too old for `npm test`; undefined when it will do. */
export function goProblem(version) {
  const [major, minor] = MIN_GO;
  if (version && (version[0] > major || (version[0] === major && version[1] >= minor))) return undefined;
  const found = version ? `found go${version.join('.')}` : 'found no `go` on the PATH';
  return (
    `setup: \`npm test\` needs Go >= ${major}.${minor} (it builds the manifest and compose validators, ` +
    `kustomize and actionlint); ${found}. Install it from https://go.dev/dl/ and run \`npm test\` again.`
  );
}
